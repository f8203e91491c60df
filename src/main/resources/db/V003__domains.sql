-- Custom domains of apps and the certificates Berth serves for them (issued by ACME or uploaded).
-- Times are epoch milliseconds. A certificate's private key is sealed with the master key and bound
-- to its host; the ACME account key is sealed in settings (name acme.account_key). Deleting an app
-- deletes its domains, and deleting a domain deletes its certificate (app names never change).

CREATE TABLE domains (
  host TEXT PRIMARY KEY,
  app TEXT NOT NULL REFERENCES apps (name) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  -- pending | issuing | active | failed | custom
  cert_status TEXT NOT NULL,
  error TEXT,
  not_after BIGINT,
  -- when the renewer next works on this host; NULL: nothing to do (a custom certificate, a wildcard)
  next_attempt_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX domains_app ON domains (app);
CREATE INDEX domains_next_attempt ON domains (next_attempt_at);

CREATE TABLE certificates (
  host TEXT PRIMARY KEY REFERENCES domains (host) ON DELETE CASCADE,
  chain_pem TEXT NOT NULL,
  sealed_key TEXT NOT NULL,
  not_after BIGINT NOT NULL,
  -- acme | custom
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
