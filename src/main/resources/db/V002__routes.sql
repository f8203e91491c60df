-- Routes to services Berth did not deploy (POST /api/v1/routes): a host and path prefix to a set
-- of upstream instances. Portable SQL as in V001: times are epoch milliseconds, targets a JSON
-- array of "host:port" strings, balance a lowercase word (round_robin, least_in_flight).

CREATE TABLE routes (
  host TEXT NOT NULL,
  path_prefix TEXT NOT NULL,
  targets TEXT NOT NULL,
  balance TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (host, path_prefix)
);
