-- Join, position and resignation applications, and the positions members held.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    -- "user_id:kind" while pending, NULL afterwards: one open application per user
    -- per kind, enforced by the database also under parallel requests.
    open_key TEXT UNIQUE,
    member_type_id BIGINT REFERENCES member_types(id),
    company TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    industry_id BIGINT REFERENCES industries(id),
    position_id BIGINT REFERENCES positions(id),
    referrer_name TEXT NOT NULL DEFAULT '',
    referrer_phone TEXT NOT NULL DEFAULT '',
    letter_file_id BIGINT REFERENCES files(id),
    reason TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    reviewer_staff_id BIGINT REFERENCES staff(id),
    decided_at TIMESTAMP,
    dues_order_id BIGINT REFERENCES orders(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX applications_user_id ON applications (user_id);
CREATE INDEX applications_status_kind ON applications (status, kind);

CREATE TABLE member_positions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    position_id BIGINT NOT NULL REFERENCES positions(id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX member_positions_member_id ON member_positions (member_id);
