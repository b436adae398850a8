-- SMS sign-in codes: one row per phone, holding the current code (hashed) and the
-- counters of the per-phone sending limits.
CREATE TABLE sms_codes (
    phone TEXT PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    last_sent_at TIMESTAMP NOT NULL,
    sent_day TEXT NOT NULL,
    sent_today INTEGER NOT NULL DEFAULT 0
);

-- A user is linked to at most one staff account.
CREATE UNIQUE INDEX staff_user_id ON staff (user_id);
