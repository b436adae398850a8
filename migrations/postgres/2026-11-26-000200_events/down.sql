DROP TABLE event_scans;
DROP TABLE event_registrations;
DROP TABLE events;
