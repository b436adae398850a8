DROP TABLE videos;
DROP TABLE album_photos;
DROP TABLE albums;
DROP TABLE library_items;
