-- Marketplace (供需大厅): categories staff keep, members' listings (reviewed with
-- kernel::revisions, live columns copied from the approved revision), who revealed a
-- listing's contact phone, and reports (举报).
CREATE TABLE listing_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE listings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_user_id BIGINT NOT NULL REFERENCES users(id),
    live_revision_id BIGINT REFERENCES revisions(id),
    -- The approved fields as JSON ('' until approved: invisible).
    live TEXT NOT NULL DEFAULT '',
    -- Live columns the hall filters and sorts on.
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    -- Live title and description as text, lower-cased (ASCII): kernel::search indexes it
    -- (scope "listing") and confirms longer words with LIKE on it.
    search_text TEXT NOT NULL DEFAULT '',
    category_id BIGINT REFERENCES listing_categories(id),
    industry_id BIGINT REFERENCES industries(id),
    price_cents BIGINT,
    ends_at TIMESTAMP,
    published_at TIMESTAMP,
    -- The member's 上架/下架; staff force-unlisting sets it false and blocks relisting
    -- until an edit is approved.
    listed BOOLEAN NOT NULL DEFAULT TRUE,
    staff_unlisted_at TIMESTAMP,
    staff_unlisted_by BIGINT REFERENCES staff(id),
    staff_note TEXT NOT NULL DEFAULT '',
    view_count BIGINT NOT NULL DEFAULT 0,
    contact_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX listings_owner ON listings (owner_user_id);
CREATE INDEX listings_hall ON listings (published_at, id);
CREATE INDEX listings_category ON listings (category_id, published_at);

-- One row per (listing, user) who saw the phone: contact_count counts distinct users.
CREATE TABLE listing_contact_reveals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    listing_id BIGINT NOT NULL REFERENCES listings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX listing_contact_reveals_once ON listing_contact_reveals (listing_id, user_id);
CREATE INDEX listing_contact_reveals_user ON listing_contact_reveals (user_id, created_at);

CREATE TABLE listing_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    listing_id BIGINT NOT NULL REFERENCES listings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    -- open, handled (the listing was force-unlisted), dismissed.
    status TEXT NOT NULL,
    -- "listing:user" while open: one open report per user and listing.
    open_key TEXT UNIQUE,
    handled_by_staff_id BIGINT REFERENCES staff(id),
    handled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX listing_reports_status ON listing_reports (status, id);
CREATE INDEX listing_reports_listing ON listing_reports (listing_id);
