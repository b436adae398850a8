-- Orders: what a user owes (dues, event fees, course fees). Money in integer cents.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'unpaid',
    subject_type TEXT,
    subject_id BIGINT,
    period TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP
);
CREATE INDEX orders_user_id ON orders (user_id);
CREATE INDEX orders_subject ON orders (subject_type, subject_id);
