-- Rate-limit hits shared by every instance on one database. Used on PostgreSQL only:
-- one SQLite process keeps its limits in memory; the table exists so both trees match.
CREATE TABLE rate_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    hit_at TIMESTAMP NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits (scope, key, hit_at);
CREATE INDEX rate_hits_at ON rate_hits (hit_at);
