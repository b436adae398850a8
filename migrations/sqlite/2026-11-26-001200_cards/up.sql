-- Electronic business cards (电子名片): the style catalogue staff keep (layouts and
-- backgrounds), one card per member (choices and share slug), and views (one row per
-- card, viewer and day: a viewer is counted once a day).
CREATE TABLE card_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- 'layout' or 'background'.
    kind TEXT NOT NULL,
    -- Built-in: the layout's template key ('classic', 'simple', 'business') or the
    -- background's key; uploaded backgrounds: 'image'.
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    builtin BOOLEAN NOT NULL,
    -- Built-in backgrounds: 'from,to,text' colours (#rrggbb) of the gradient and text.
    colors TEXT NOT NULL DEFAULT '',
    image_file_id BIGINT REFERENCES files(id),
    enabled BOOLEAN NOT NULL DEFAULT 1,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX card_styles_kind ON card_styles (kind, sort_order);

INSERT INTO card_styles (kind, code, name, builtin, colors, enabled, sort_order, created_at, updated_at) VALUES
    ('layout', 'classic', '经典', 1, '', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('layout', 'simple', '简约', 1, '', 1, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('layout', 'business', '商务', 1, '', 1, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'navy', '深海蓝', 1, '#1e3c72,#2a5298,#ffffff', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'ink', '墨黑', 1, '#232526,#414345,#f5d78e', 1, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'red', '中国红', 1, '#8e0e00,#c0392b,#fff4d6', 1, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'jade', '青玉', 1, '#134e5e,#3a8f6f,#ffffff', 1, 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'gold', '香槟金', 1, '#f6e7c1,#d9b779,#3b2f1e', 1, 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('background', 'paper', '素白', 1, '#ffffff,#eef1f5,#1f2933', 1, 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE cards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    layout_id BIGINT NOT NULL REFERENCES card_styles(id),
    background_id BIGINT NOT NULL REFERENCES card_styles(id),
    -- Per field: {"key": {"shown": bool, "override": text|null}} (JSON).
    fields TEXT NOT NULL,
    -- 128 random bits (URL-safe base64) while shared; NULL when not shared.
    slug TEXT UNIQUE,
    shared_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE card_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    card_id BIGINT NOT NULL REFERENCES cards(id),
    -- 'u<user id>' for a signed-in viewer; 'a<keyed hash>' for an anonymous one (the
    -- hash of the day, address and browser: counted, never identified).
    viewer_key TEXT NOT NULL,
    viewer_user_id BIGINT REFERENCES users(id),
    day DATE NOT NULL,
    viewed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX card_views_once_a_day ON card_views (card_id, viewer_key, day);
CREATE INDEX card_views_recent ON card_views (card_id, viewed_at);
