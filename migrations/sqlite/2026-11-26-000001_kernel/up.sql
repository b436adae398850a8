-- Kernel tables: users, their API tokens, staff, audit log, outbox, files, settings.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    nickname TEXT,
    avatar_file_id BIGINT,
    phone TEXT UNIQUE,
    wechat_openid TEXT UNIQUE,
    wechat_unionid TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    user_id BIGINT REFERENCES users(id),
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BIGINT,
    details TEXT NOT NULL DEFAULT '{}',
    ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created_at ON audit_log (created_at);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    template TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE files (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    extension TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    has_thumbnail BOOLEAN NOT NULL DEFAULT 0,
    original_name TEXT,
    uploaded_by_user_id BIGINT REFERENCES users(id),
    uploaded_by_staff_id BIGINT REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX files_sha256 ON files (sha256);

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
