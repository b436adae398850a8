-- Content (信息发布): article categories (four built in, staff add more), articles
-- (rich text sanitised once on write, draft / scheduled / published by publish_at,
-- audience everyone / members / minimum position), the home page's banners, and
-- support tickets (客户支持) with their message threads.
CREATE TABLE article_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    -- news / policy / notice / trend for the built-in ones; '' for staff-added.
    code TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO article_categories (name, code, sort_order, created_at, updated_at) VALUES
('新闻资讯', 'news', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('政策法规', 'policy', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('通知公告', 'notice', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('行业动态', 'trend', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES article_categories(id),
    title TEXT NOT NULL,
    cover_file_id BIGINT REFERENCES files(id),
    summary TEXT NOT NULL DEFAULT '',
    -- Sanitised on write by kernel::rich_text; shown as stored.
    body_html TEXT NOT NULL DEFAULT '',
    -- JSON array of document file ids, served through the audience check.
    attachment_file_ids TEXT NOT NULL DEFAULT '[]',
    author TEXT NOT NULL DEFAULT '',
    -- draft or published; a published article is visible from publish_at on.
    status TEXT NOT NULL,
    publish_at TIMESTAMP,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    -- everyone, members or position (members whose position ranks at least min_position_id's).
    audience TEXT NOT NULL,
    min_position_id BIGINT REFERENCES positions(id),
    -- Title and summary, lower-cased (ASCII): kernel::search scope "article".
    search_text TEXT NOT NULL DEFAULT '',
    view_count BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX articles_visible ON articles (status, publish_at);
CREATE INDEX articles_category ON articles (category_id, publish_at);

CREATE TABLE home_banners (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    image_file_id BIGINT NOT NULL REFERENCES files(id),
    title TEXT NOT NULL DEFAULT '',
    -- article, event, course or url.
    target_kind TEXT NOT NULL,
    target_id BIGINT,
    target_url TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE support_tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    subject TEXT NOT NULL,
    -- open or closed.
    status TEXT NOT NULL,
    -- The last message is the user's: the workbench badge counts these.
    awaiting_staff BOOLEAN NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX support_tickets_user ON support_tickets (user_id, updated_at);
CREATE INDEX support_tickets_queue ON support_tickets (status, awaiting_staff, updated_at);

CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES support_tickets(id),
    author_user_id BIGINT REFERENCES users(id),
    author_staff_id BIGINT REFERENCES staff(id),
    body TEXT NOT NULL,
    -- JSON array of image file ids.
    image_file_ids TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
