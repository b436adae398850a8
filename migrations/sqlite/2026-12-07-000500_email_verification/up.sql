-- A user's e-mail address is set only after they typed the code mailed to it: notices
-- must not go to an address somebody else typed. One pending address per user.
CREATE TABLE email_verifications (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id),
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    last_sent_at TIMESTAMP NOT NULL
);
