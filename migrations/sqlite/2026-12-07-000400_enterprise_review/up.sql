-- Review of new and edited enterprises (issue 10), behind the association setting
-- `enterprise_review` (off by default). `published`: the enterprise has a live version
-- (every enterprise made before this, and every one made while review is off);
-- `live_revision_id`: the revision (kernel::revisions, kind `enterprise`) that is live.
-- While a new enterprise waits for its first approval, `published` is false and its
-- columns hold the submission; an edit of a published one waits as a revision and the
-- columns keep the live version.
ALTER TABLE enterprises ADD COLUMN published BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE enterprises ADD COLUMN live_revision_id BIGINT;
