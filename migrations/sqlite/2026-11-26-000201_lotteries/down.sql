DROP TABLE lottery_wins;
DROP TABLE lottery_entries;
DROP TABLE lottery_prizes;
DROP TABLE lotteries;
