/**
 * SQLite: the first answer to each idempotent write, kept until it expires. An expired row
 * reads as absent and is replaced by the next save under its key.
 */
import type { IdempotentAnswer, NewIdempotentAnswer } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './rows.js';

export function getIdempotentAnswer(db: SqliteDb, key: string): IdempotentAnswer | undefined {
  const row = db.get('SELECT * FROM idempotent_answers WHERE key = ? AND expires_at > ?', key, Date.now());
  return row && toAnswer(row);
}

export function saveIdempotentAnswer(db: SqliteDb, key: string, answer: NewIdempotentAnswer): boolean {
  const now = Date.now();
  const result = db.run(
    `INSERT INTO idempotent_answers (key, connection_id, fingerprint, status, headers, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET connection_id = excluded.connection_id, fingerprint = excluded.fingerprint, status = excluded.status,
       headers = excluded.headers, body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at
     WHERE idempotent_answers.expires_at <= ?`,
    key, answer.connectionId, answer.fingerprint, answer.status, JSON.stringify(answer.headers), answer.body, now, now + answer.ttlMs, now,
  );
  return result.changes > 0;
}

export function deleteExpiredIdempotentAnswers(db: SqliteDb, limit: number): number {
  return db.run('DELETE FROM idempotent_answers WHERE key IN (SELECT key FROM idempotent_answers WHERE expires_at <= ? LIMIT ?)', Date.now(), limit).changes;
}

function toAnswer(row: Row): IdempotentAnswer {
  return {
    fingerprint: row.fingerprint as string,
    status: row.status as number,
    headers: JSON.parse(row.headers as string) as Record<string, string>,
    body: row.body as Buffer,
    expiresAt: new Date(row.expires_at as number),
  };
}
