DROP TABLE ticket_messages;
DROP TABLE support_tickets;
DROP TABLE home_banners;
DROP TABLE articles;
DROP TABLE article_categories;
