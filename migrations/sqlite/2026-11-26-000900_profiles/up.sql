-- Member profiles (会员风采): one per user, public fields and private ones (phone,
-- WeChat id, height, weight, ID number, home address) that only the owner and staff see.
-- The real name lives on the roll (members.name).
CREATE TABLE member_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    photo_file_id BIGINT REFERENCES files(id),
    gender TEXT NOT NULL DEFAULT '',
    birth_date DATE,
    hometown TEXT NOT NULL DEFAULT '',
    education TEXT NOT NULL DEFAULT '',
    introduction TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    wechat_id TEXT NOT NULL DEFAULT '',
    height_cm INTEGER,
    weight_kg INTEGER,
    id_number TEXT NOT NULL DEFAULT '',
    home_address TEXT NOT NULL DEFAULT '',
    -- The member chose not to appear in the directory.
    hidden BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Enterprises (企业风采). Shown only while the owner is an active member whose type
-- allows enterprises (decided at read time, so a resignation hides them at once), and
-- while staff have not hidden them (staff_hidden, with a note the member sees).
CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    logo_file_id BIGINT REFERENCES files(id),
    industry_id BIGINT REFERENCES industries(id),
    introduction_html TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    founded_year INTEGER,
    -- JSON array of file ids, in order.
    image_file_ids TEXT NOT NULL DEFAULT '[]',
    staff_hidden BOOLEAN NOT NULL DEFAULT 0,
    staff_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX enterprises_owner ON enterprises (owner_user_id);
CREATE INDEX enterprises_industry ON enterprises (industry_id);
