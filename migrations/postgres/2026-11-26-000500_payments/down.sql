DROP INDEX orders_status;
ALTER TABLE members DROP COLUMN paid_until;
DROP TABLE dues_reminders;
DROP TABLE payment_refusals;
DROP TABLE refunds;
DROP TABLE payments;
DROP TABLE wechat_transactions;
