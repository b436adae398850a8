-- Events, registrations (with a FIFO waiting list) and the check-in/check-out scan log.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    cover_file_id BIGINT REFERENCES files(id),
    description_html TEXT NOT NULL,
    place TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    registration_opens_at TIMESTAMP NOT NULL,
    registration_closes_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL,
    member_fee_cents BIGINT NOT NULL,
    non_member_fee_cents BIGINT NOT NULL,
    needs_approval BOOLEAN NOT NULL,
    check_in_enabled BOOLEAN NOT NULL,
    check_out_enabled BOOLEAN NOT NULL,
    audience TEXT NOT NULL,
    checkin_opens_minutes INTEGER NOT NULL,
    screen_only BOOLEAN NOT NULL,
    token_version INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX events_status_starts ON events (status, starts_at);

CREATE TABLE event_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES events(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    fee_cents BIGINT NOT NULL,
    order_id BIGINT REFERENCES orders(id),
    queued_at TIMESTAMP NOT NULL,
    checked_in_at TIMESTAMP,
    checked_out_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX event_registrations_event_status ON event_registrations (event_id, status, queued_at);
CREATE INDEX event_registrations_user ON event_registrations (user_id);

CREATE TABLE event_scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES events(id),
    registration_id BIGINT NOT NULL REFERENCES event_registrations(id),
    kind TEXT NOT NULL,
    via TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (registration_id, kind)
);
CREATE INDEX event_scans_event ON event_scans (event_id, kind);
