-- Survey results count answers per (question, option, value) and answered questions per
-- response (seq = 0). This index covers both, in GROUP BY order, so the results page
-- reads index entries only and never joins responses (unless a member filter applies).
-- It replaces survey_answers_question (question_id, option_id), its prefix.
DROP INDEX survey_answers_question;
CREATE INDEX survey_answers_tally ON survey_answers (question_id, option_id, number_value, seq);
