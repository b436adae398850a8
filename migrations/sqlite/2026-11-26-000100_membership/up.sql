-- Members: users whose join application was approved.
CREATE TABLE members (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    member_number TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'active',
    joined_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
