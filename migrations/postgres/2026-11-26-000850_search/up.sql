-- The search index shared by every context (kernel::search): each indexed item's
-- texts as single characters and character pairs, lower-cased (ASCII). A query word
-- of one character looks up its character; a longer word looks up each of its pairs.
CREATE TABLE search_grams (
    scope TEXT NOT NULL,
    gram TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    PRIMARY KEY (scope, gram, item_id)
);
CREATE INDEX search_grams_item ON search_grams (scope, item_id);
