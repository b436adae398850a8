DROP TABLE member_positions;
DROP TABLE applications;
