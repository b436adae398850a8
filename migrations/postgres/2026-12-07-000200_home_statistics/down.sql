DROP INDEX lottery_entries_user;
DROP INDEX orders_kind_period;
DROP INDEX event_registrations_status;
DROP INDEX members_joined_at;
DROP INDEX members_industry_status;
DROP INDEX members_position_status;
DROP INDEX members_type_status;
