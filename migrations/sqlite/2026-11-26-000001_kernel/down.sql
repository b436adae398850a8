DROP TABLE settings;
DROP TABLE files;
DROP TABLE outbox;
DROP TABLE audit_log;
DROP TABLE staff;
DROP TABLE api_tokens;
DROP TABLE users;
