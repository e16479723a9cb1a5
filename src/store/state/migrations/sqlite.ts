/** SQLite schema. Times are INTEGER milliseconds since the epoch; JSON is TEXT. STRICT tables check types. */
import type { Migration } from './migrations.js';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE consumers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
  name TEXT,
  prefix TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '{}',
  expires_at INTEGER,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_consumer ON api_keys (consumer_id, id);

CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
  name TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('upstream', 'platform')),
  target TEXT NOT NULL,
  base_url TEXT,
  auth_strategy TEXT NOT NULL,
  auth_settings TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth', 'disabled')),
  status_reason TEXT,
  last_refresh_at INTEGER,
  token_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX connections_consumer ON connections (consumer_id, id);

CREATE TABLE connection_secrets (
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('credentials', 'oauth_tokens')),
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, purpose)
) STRICT;
CREATE INDEX connection_secrets_key ON connection_secrets (key_id);

-- AUTOINCREMENT: a seq is never reused, even after old events are pruned; the change feed relies on it.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  consumer_id TEXT,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
CREATE INDEX audit_events_consumer ON audit_events (consumer_id, seq);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  fence INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 2,
    name: 'idempotent answers',
    sql: `
CREATE TABLE idempotent_answers (
  key TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL DEFAULT '{}',
  body BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idempotent_answers_expiry ON idempotent_answers (expires_at);
CREATE INDEX idempotent_answers_connection ON idempotent_answers (connection_id);
`,
  },
];
