DROP TABLE course_certificates;
DROP TABLE study_sessions;
DROP TABLE course_lesson_progress;
DROP TABLE course_enrolments;
DROP TABLE course_lessons;
DROP TABLE courses;
