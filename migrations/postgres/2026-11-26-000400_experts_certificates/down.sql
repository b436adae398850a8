DROP TABLE certificates;
DROP TABLE experts;
DROP TABLE revisions;
