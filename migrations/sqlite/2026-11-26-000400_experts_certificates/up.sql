-- Edit-while-live review (kernel::revisions): every submitted version of a reviewed
-- item (experts, certificates; listings and enterprises later) as a JSON snapshot.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- "kind:item_id" while pending, NULL afterwards: at most one pending revision per
    -- item, enforced by the database also under parallel requests.
    open_key TEXT UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    snapshot TEXT NOT NULL,
    submitted_by_user_id BIGINT REFERENCES users(id),
    submitted_by_staff_id BIGINT REFERENCES staff(id),
    decision_note TEXT NOT NULL DEFAULT '',
    reviewer_staff_id BIGINT REFERENCES staff(id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX revisions_item ON revisions (kind, item_id);
CREATE INDEX revisions_status_kind ON revisions (status, kind);

-- Experts (专家库). The live columns are copied from the approved revision; an expert
-- without a live revision is invisible. owner_user_id NULL: owned by the association.
CREATE TABLE experts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_user_id BIGINT REFERENCES users(id),
    created_by_staff_id BIGINT REFERENCES staff(id),
    live_revision_id BIGINT REFERENCES revisions(id),
    live TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    -- "|tag|tag|" of the live revision, for the field filter and search.
    field_tags TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX experts_owner ON experts (owner_user_id);

-- Certificates (荣誉证书): members' (reviewed) and the association's own honours
-- (owner_user_id NULL, published directly).
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_user_id BIGINT REFERENCES users(id),
    created_by_staff_id BIGINT REFERENCES staff(id),
    live_revision_id BIGINT REFERENCES revisions(id),
    live TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    show_on_card BOOLEAN NOT NULL DEFAULT FALSE,
    -- Public verification code (/v/{code}), given on first approval.
    verify_code TEXT UNIQUE,
    revoked_at TIMESTAMP,
    revoke_reason TEXT NOT NULL DEFAULT '',
    revoked_by_staff_id BIGINT REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX certificates_owner ON certificates (owner_user_id);
