DROP TABLE staff_queue_notices;
DROP TABLE wechat_subscriptions;
ALTER TABLE users DROP COLUMN email;
ALTER TABLE staff DROP COLUMN email;
