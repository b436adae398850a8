DROP TABLE enterprises;
DROP TABLE member_profiles;
