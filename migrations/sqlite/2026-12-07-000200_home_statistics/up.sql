-- The workbench home. Member statistics group by (column, status) over the covering
-- indexes below instead of reading every member row; members joined per month read a
-- range of joined_at; the registrations awaiting approval are counted across events;
-- this period's dues orders; the lotteries a user signed in to (我的抽奖).
CREATE INDEX members_type_status ON members (member_type_id, status);
CREATE INDEX members_position_status ON members (position_id, status);
CREATE INDEX members_industry_status ON members (industry_id, status);
CREATE INDEX members_joined_at ON members (joined_at);
CREATE INDEX event_registrations_status ON event_registrations (status, event_id);
CREATE INDEX orders_kind_period ON orders (kind, period, status, amount_cents);
CREATE INDEX lottery_entries_user ON lottery_entries (user_id, lottery_id);
