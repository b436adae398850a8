-- Membership catalogue (member types, positions, industries) and members.
CREATE TABLE member_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    dues_cents BIGINT NOT NULL,
    enterprise_profiles BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE positions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    rank INTEGER NOT NULL,
    can_review BOOLEAN NOT NULL,
    can_view_contacts BOOLEAN NOT NULL,
    can_read_members_only BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE industries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Members: users whose join application was approved (or who were imported).
CREATE TABLE members (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    member_number TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'active',
    name TEXT NOT NULL,
    member_type_id BIGINT NOT NULL REFERENCES member_types(id),
    position_id BIGINT NOT NULL REFERENCES positions(id),
    industry_id BIGINT REFERENCES industries(id),
    company TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    joined_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX members_member_type_id ON members (member_type_id);
CREATE INDEX members_position_id ON members (position_id);
CREATE INDEX members_industry_id ON members (industry_id);
CREATE INDEX members_status ON members (status);
