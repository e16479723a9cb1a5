/** PostgreSQL schema: the same tables and versions as sqlite.ts, with native types. */
import type { Migration } from './migrations.js';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE consumers (
  id text PRIMARY KEY,
  name text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  consumer_id text NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
  name text,
  prefix text NOT NULL UNIQUE,
  hash text NOT NULL,
  scopes jsonb NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX api_keys_consumer ON api_keys (consumer_id, id);

CREATE TABLE connections (
  id text PRIMARY KEY,
  consumer_id text NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
  name text,
  kind text NOT NULL CHECK (kind IN ('upstream', 'platform')),
  target text NOT NULL,
  base_url text,
  auth_strategy text NOT NULL,
  auth_settings jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth', 'disabled')),
  status_reason text,
  last_refresh_at timestamptz,
  token_expires_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX connections_consumer ON connections (consumer_id, id);

CREATE TABLE connection_secrets (
  connection_id text NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('credentials', 'oauth_tokens')),
  key_id text NOT NULL,
  ciphertext text NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, purpose)
);
CREATE INDEX connection_secrets_key ON connection_secrets (key_id);

-- Writers take a transaction-scoped advisory lock before inserting here, so seq order is
-- commit order and a reader following seq never skips a late-committing event.
CREATE TABLE audit_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  consumer_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
CREATE INDEX audit_events_consumer ON audit_events (consumer_id, seq);

CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  fence bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'idempotent answers',
    sql: `
CREATE TABLE idempotent_answers (
  key text PRIMARY KEY,
  connection_id text NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  fingerprint text NOT NULL,
  status integer NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  body bytea NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX idempotent_answers_expiry ON idempotent_answers (expires_at);
CREATE INDEX idempotent_answers_connection ON idempotent_answers (connection_id);
`,
  },
];
