-- The rest of content (issue 17): the resource library (资源库 / 会刊: journals with an
-- issue label, documents), albums (相册, optionally of an event) with their photos, and
-- videos (视频: an uploaded MP4 with a poster, or a Tencent Video / WeChat channels
-- link). Each has the articles' audience (everyone / members / minimum position) and is
-- draft or published.
CREATE TABLE library_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- journal or document.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Journals: the issue, e.g. 2026年第3期; '' for documents.
    issue_label TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    cover_file_id BIGINT REFERENCES files(id),
    -- The PDF / Word / Excel file, served only through the audience check.
    file_id BIGINT NOT NULL REFERENCES files(id),
    -- draft or published.
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    audience TEXT NOT NULL,
    min_position_id BIGINT REFERENCES positions(id),
    -- Title, issue and summary, lower-cased (ASCII): kernel::search scope "library".
    search_text TEXT NOT NULL DEFAULT '',
    download_count BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX library_items_visible ON library_items (status, published_at);

CREATE TABLE albums (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    event_id BIGINT REFERENCES events(id),
    -- The cover photo's file (blank: the first photo).
    cover_file_id BIGINT REFERENCES files(id),
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    audience TEXT NOT NULL,
    min_position_id BIGINT REFERENCES positions(id),
    search_text TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX albums_visible ON albums (status, published_at);

CREATE TABLE album_photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    album_id BIGINT NOT NULL REFERENCES albums(id),
    file_id BIGINT NOT NULL REFERENCES files(id),
    caption TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX album_photos_album ON album_photos (album_id, sort_order);

CREATE TABLE videos (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    -- upload (file_id, an MP4) or link (link_url on v.qq.com / channels.weixin.qq.com).
    source TEXT NOT NULL,
    file_id BIGINT REFERENCES files(id),
    link_url TEXT NOT NULL DEFAULT '',
    poster_file_id BIGINT REFERENCES files(id),
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    audience TEXT NOT NULL,
    min_position_id BIGINT REFERENCES positions(id),
    search_text TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX videos_visible ON videos (status, published_at);
