ALTER TABLE outbox DROP COLUMN expires_at;
DROP INDEX files_staff_created;
DROP INDEX files_user_created;
DROP TABLE staff_sessions;
