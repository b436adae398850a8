DROP INDEX survey_answers_tally;
CREATE INDEX survey_answers_question ON survey_answers (question_id, option_id);
