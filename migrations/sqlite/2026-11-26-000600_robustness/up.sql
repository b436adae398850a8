-- Staff sessions kept on the server (logout and "sign out everywhere" end them), and
-- indexes for the per-uploader daily quota, and an expiry for outbox messages that
-- carry a secret (cleared with the payload once past it).
CREATE TABLE staff_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
CREATE INDEX files_user_created ON files (uploaded_by_user_id, created_at);
CREATE INDEX files_staff_created ON files (uploaded_by_staff_id, created_at);
ALTER TABLE outbox ADD COLUMN expires_at TIMESTAMP;
