DROP INDEX staff_user_id;
DROP TABLE sms_codes;
