DROP TABLE members;
DROP TABLE industries;
DROP TABLE positions;
DROP TABLE member_types;
