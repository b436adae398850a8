-- Surveys and polls (one model, kind): questions, options, who answered (participations),
-- responses and answers. Responses have random text keys and answers no ids of their own,
-- so for anonymous surveys nothing orders or links answers to participations.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    cover_file_id BIGINT REFERENCES files(id),
    audience TEXT NOT NULL,
    position_ids TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    results_public BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    opens_at TIMESTAMP,
    closes_at TIMESTAMP,
    response_count BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    min_choices INTEGER,
    max_choices INTEGER,
    max_length INTEGER,
    scale INTEGER,
    min_number BIGINT,
    max_number BIGINT
);
CREATE INDEX survey_questions_survey ON survey_questions (survey_id, position);

CREATE TABLE survey_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES survey_questions(id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX survey_options_question ON survey_options (question_id, position);

-- Only that a user answered: no time, no link to the response.
CREATE TABLE survey_participations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    UNIQUE (survey_id, user_id)
);

-- user_id only for named surveys; submitted_at cut to the day for anonymous ones.
CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    user_id BIGINT REFERENCES users(id),
    submitted_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, submitted_at);

CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses(id),
    question_id BIGINT NOT NULL REFERENCES survey_questions(id),
    seq INTEGER NOT NULL,
    option_id BIGINT REFERENCES survey_options(id),
    text_value TEXT,
    number_value BIGINT,
    PRIMARY KEY (response_id, question_id, seq)
) WITHOUT ROWID;
CREATE INDEX survey_answers_question ON survey_answers (question_id, option_id);

-- One reminder per person, survey and day.
CREATE TABLE survey_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    UNIQUE (survey_id, user_id, day)
);
