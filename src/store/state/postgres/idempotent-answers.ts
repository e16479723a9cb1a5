/**
 * PostgreSQL: the first answer to each idempotent write, kept until it expires. Expiry is
 * read on the database clock, like leases; an expired row reads as absent and is replaced
 * by the next save under its key.
 */
import type { IdempotentAnswer, NewIdempotentAnswer } from '../types.js';
import type { PgDb } from './pg-db.js';
import type { Row } from './rows.js';

export async function getIdempotentAnswer(db: PgDb, key: string): Promise<IdempotentAnswer | undefined> {
  const row = await db.one('SELECT * FROM idempotent_answers WHERE key = $1 AND expires_at > clock_timestamp()', [key]);
  return row && toAnswer(row);
}

export async function saveIdempotentAnswer(db: PgDb, key: string, answer: NewIdempotentAnswer): Promise<boolean> {
  const row = await db.one(
    `INSERT INTO idempotent_answers (key, connection_id, fingerprint, status, headers, body, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp(), clock_timestamp() + $7::float8 * interval '1 millisecond')
     ON CONFLICT (key) DO UPDATE SET connection_id = EXCLUDED.connection_id, fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
       headers = EXCLUDED.headers, body = EXCLUDED.body, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
     WHERE idempotent_answers.expires_at <= clock_timestamp()
     RETURNING key`,
    [key, answer.connectionId, answer.fingerprint, answer.status, JSON.stringify(answer.headers), answer.body, answer.ttlMs],
  );
  return row !== undefined;
}

export async function deleteExpiredIdempotentAnswers(db: PgDb, limit: number): Promise<number> {
  const rows = await db.rows(
    'DELETE FROM idempotent_answers WHERE key IN (SELECT key FROM idempotent_answers WHERE expires_at <= clock_timestamp() LIMIT $1) RETURNING key',
    [limit],
  );
  return rows.length;
}

function toAnswer(row: Row): IdempotentAnswer {
  return {
    fingerprint: row.fingerprint as string,
    status: row.status as number,
    headers: row.headers as Record<string, string>,
    body: row.body as Buffer,
    expiresAt: row.expires_at as Date,
  };
}
