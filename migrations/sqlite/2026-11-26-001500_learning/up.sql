-- Learning platform (学习平台): courses, their lessons, enrolments (free at once, paid
-- through an order), per-lesson progress counted by the server from heartbeats of one
-- open study session per user, and completion certificates (结业证书).
CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    cover_file_id BIGINT REFERENCES files(id),
    -- Sanitised once on write (ammonia).
    introduction_html TEXT NOT NULL DEFAULT '',
    -- NULL = 不限 (no bound on that side).
    enrol_starts_at TIMESTAMP,
    enrol_ends_at TIMESTAMP,
    study_starts_at TIMESTAMP,
    study_ends_at TIMESTAMP,
    member_price_cents BIGINT NOT NULL DEFAULT 0,
    price_cents BIGINT NOT NULL DEFAULT 0,
    -- everyone, members.
    audience TEXT NOT NULL DEFAULT 'everyone',
    pass_score INTEGER NOT NULL DEFAULT 0,
    cert_name TEXT NOT NULL DEFAULT '',
    cert_description TEXT NOT NULL DEFAULT '',
    cert_background_file_id BIGINT REFERENCES files(id),
    -- Where the texts go on the certificate, as JSON (CertificateLayout).
    cert_layout TEXT NOT NULL DEFAULT '',
    -- draft, published.
    status TEXT NOT NULL DEFAULT 'draft',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX courses_status ON courses (status, id);

CREATE TABLE course_lessons (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    -- article, video.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    video_file_id BIGINT REFERENCES files(id),
    video_seconds INTEGER,
    min_seconds INTEGER NOT NULL,
    credits INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX course_lessons_course ON course_lessons (course_id, sort_order);

CREATE TABLE course_enrolments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- awaiting_payment, active, cancelled.
    status TEXT NOT NULL,
    -- The name printed on the certificate.
    learner_name TEXT NOT NULL,
    price_cents BIGINT NOT NULL,
    order_id BIGINT REFERENCES orders(id),
    enrolled_at TIMESTAMP,
    completed_lessons INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL DEFAULT 0,
    passed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX course_enrolments_once ON course_enrolments (course_id, user_id);
CREATE INDEX course_enrolments_user ON course_enrolments (user_id);
CREATE INDEX course_enrolments_order ON course_enrolments (order_id);

CREATE TABLE course_lesson_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    enrolment_id BIGINT NOT NULL REFERENCES course_enrolments(id),
    lesson_id BIGINT NOT NULL REFERENCES course_lessons(id),
    counted_seconds INTEGER NOT NULL DEFAULT 0,
    completed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX course_lesson_progress_once ON course_lesson_progress (enrolment_id, lesson_id);
CREATE INDEX course_lesson_progress_lesson ON course_lesson_progress (lesson_id);

-- A study session: opened on a lesson, kept alive by heartbeats. open_user_id is the
-- user while the session is open and NULL once closed: its unique index allows one
-- open session per user.
CREATE TABLE study_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    open_user_id BIGINT UNIQUE,
    enrolment_id BIGINT NOT NULL REFERENCES course_enrolments(id),
    lesson_id BIGINT NOT NULL REFERENCES course_lessons(id),
    opened_at TIMESTAMP NOT NULL,
    last_beat_at TIMESTAMP NOT NULL,
    position_seconds INTEGER NOT NULL DEFAULT 0,
    counted_seconds INTEGER NOT NULL DEFAULT 0,
    beats INTEGER NOT NULL DEFAULT 0,
    closed_at TIMESTAMP,
    -- closed, taken_over.
    close_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX study_sessions_user ON study_sessions (user_id, id);

CREATE TABLE course_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    enrolment_id BIGINT NOT NULL UNIQUE REFERENCES course_enrolments(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    number TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    learner_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    cert_name TEXT NOT NULL,
    score INTEGER NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX course_certificates_course ON course_certificates (course_id);
