DROP TABLE card_views;
DROP TABLE cards;
DROP TABLE card_styles;
