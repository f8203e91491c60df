-- Static sites and access records (issue 3).
-- A route may serve a folder instead of upstreams: root is an absolute directory path (targets is
-- then an empty JSON list), spa (0/1) sends paths without an extension to index.html.
ALTER TABLE routes ADD COLUMN root TEXT;
ALTER TABLE routes ADD COLUMN spa BIGINT NOT NULL DEFAULT 0;

-- One row per request the edge proxy finished. id is time-sortable (the request's time first), so
-- newest first is an index scan; at is epoch milliseconds. Kept for a few days (AccessLog prunes).
CREATE TABLE access_records (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status BIGINT NOT NULL,
  bytes_out BIGINT NOT NULL,
  duration_us BIGINT NOT NULL,
  upstream TEXT,
  client TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX access_records_host_at ON access_records (host, at);
CREATE INDEX access_records_at ON access_records (at);
