-- Paying orders: WeChat Pay transactions, payments (one per order), refunds, refused
-- notifications, dues reminders, and the member's paid-until date.
CREATE TABLE wechat_transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id),
    out_trade_no TEXT NOT NULL UNIQUE,
    prepay_id TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    status TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX wechat_transactions_order ON wechat_transactions (order_id);
CREATE INDEX wechat_transactions_status ON wechat_transactions (status);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders(id),
    method TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    reference TEXT NOT NULL,
    payer TEXT NOT NULL,
    paid_at TIMESTAMP NOT NULL,
    voucher_file_id BIGINT REFERENCES files(id),
    staff_id BIGINT REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id),
    out_refund_no TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_refund_id TEXT,
    staff_id BIGINT REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    settled_at TIMESTAMP
);
CREATE INDEX refunds_order ON refunds (order_id);

CREATE TABLE payment_refusals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT REFERENCES orders(id),
    out_trade_no TEXT,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payment_refusals_order ON payment_refusals (order_id);

CREATE TABLE dues_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id),
    step TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (order_id, step)
);

ALTER TABLE members ADD COLUMN paid_until DATE;
CREATE INDEX orders_status ON orders (status);
