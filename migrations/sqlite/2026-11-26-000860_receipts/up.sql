-- Receipts (收据): one per paid order, numbered per year without gaps from a counter
-- row that is incremented in SQL; invoice requests (发票): one per order.
CREATE TABLE receipt_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number BIGINT NOT NULL
);

CREATE TABLE receipts (
    order_id BIGINT PRIMARY KEY NOT NULL REFERENCES orders(id),
    number TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL
);

CREATE TABLE invoice_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    tax_number TEXT,
    email TEXT,
    status TEXT NOT NULL,
    invoice_number TEXT,
    requested_at TIMESTAMP NOT NULL,
    issued_at TIMESTAMP,
    issued_by_staff_id BIGINT REFERENCES staff(id)
);
CREATE INDEX invoice_requests_status ON invoice_requests (status, id);
CREATE INDEX invoice_requests_user ON invoice_requests (user_id);
