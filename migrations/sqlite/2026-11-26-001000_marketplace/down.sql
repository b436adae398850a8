DROP TABLE listing_reports;
DROP TABLE listing_contact_reveals;
DROP TABLE listings;
DROP TABLE listing_categories;
