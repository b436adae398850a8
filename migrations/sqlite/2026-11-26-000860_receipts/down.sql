DROP TABLE invoice_requests;
DROP TABLE receipts;
DROP TABLE receipt_counters;
