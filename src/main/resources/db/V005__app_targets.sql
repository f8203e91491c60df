-- The live instances of each app: where <app>.<domain> routes. The deploy engine (or an admin, for
-- processes they run themselves) switches them with PUT /api/v1/apps/{app}/instances; every proxy
-- process rebuilds its route table from this table. Portable SQL as in V001: instances is a JSON
-- array of "host:port" strings, balance a lowercase word, updated_at epoch milliseconds. An app
-- with no live instances has no row; deleting the app deletes its row.

CREATE TABLE app_targets (
  app TEXT PRIMARY KEY REFERENCES apps (name) ON DELETE CASCADE,
  instances TEXT NOT NULL,
  balance TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
