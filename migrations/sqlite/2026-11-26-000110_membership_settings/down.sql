DELETE FROM industries;
DELETE FROM positions;
DELETE FROM member_types;
DROP TABLE membership_settings;
