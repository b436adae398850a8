-- Lotteries: prizes, sign-ins by QR code, and wins (one per user per lottery).
CREATE TABLE lotteries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    event_id BIGINT REFERENCES events(id),
    seed_hex TEXT NOT NULL,
    commitment TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE lottery_prizes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    lottery_id BIGINT NOT NULL REFERENCES lotteries(id),
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    position INTEGER NOT NULL,
    drawn_at TIMESTAMP
);
CREATE INDEX lottery_prizes_lottery ON lottery_prizes (lottery_id, position);

CREATE TABLE lottery_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    lottery_id BIGINT NOT NULL REFERENCES lotteries(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (lottery_id, user_id)
);

CREATE TABLE lottery_wins (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    lottery_id BIGINT NOT NULL REFERENCES lotteries(id),
    prize_id BIGINT NOT NULL REFERENCES lottery_prizes(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    draw_index INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (lottery_id, user_id),
    UNIQUE (lottery_id, draw_index)
);
CREATE INDEX lottery_wins_user ON lottery_wins (user_id);
