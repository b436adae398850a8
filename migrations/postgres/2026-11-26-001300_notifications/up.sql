-- Notifications (issue 15): e-mail addresses for staff and users, the WeChat
-- subscription grants each user gave per template, and when staff were last told about
-- new items in each review queue (at most one notice per queue per 10 minutes).
ALTER TABLE staff ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE wechat_subscriptions (
    user_id BIGINT NOT NULL REFERENCES users (id),
    template_id TEXT NOT NULL,
    grants INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, template_id)
);

CREATE TABLE staff_queue_notices (
    queue TEXT PRIMARY KEY NOT NULL,
    notified_at TIMESTAMP NOT NULL,
    newest_item_id BIGINT NOT NULL
);
