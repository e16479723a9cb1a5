/**
 * A thin layer over one better-sqlite3 handle: cached statements, and `write`, which runs
 * a function in one IMMEDIATE transaction and appends the audit events it collected, last,
 * in the same transaction. Local change-feed followers are woken after commit.
 */
import type Database from 'better-sqlite3';
import { StateStoreError, type AuditEvent, type NewAuditEvent } from '../types.js';
import { toAuditEvent, type Row } from './rows.js';

export class SqliteDb {
  readonly #statements = new Map<string, Database.Statement>();
  readonly wakers = new Set<() => void>();

  constructor(readonly handle: Database.Database) {}

  get(sql: string, ...params: unknown[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.#statement(sql).run(...params);
  }

  /** Runs `fn` and writes its audit events in one transaction; returns its value and the events. */
  write<T>(fn: (events: NewAuditEvent[]) => T): { value: T; written: AuditEvent[] } {
    const events: NewAuditEvent[] = [];
    const written: AuditEvent[] = [];
    const value = mapConstraintErrors(() =>
      this.handle
        .transaction(() => {
          const result = fn(events);
          const at = Date.now();
          for (const e of events) {
            const row = this.get(
              `INSERT INTO audit_events (at, actor, action, entity_type, entity_id, consumer_id, details)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
              at, e.actor, e.action, e.entityType, e.entityId, e.consumerId ?? null, JSON.stringify(e.details ?? {}),
            );
            written.push(toAuditEvent(row!));
          }
          return result;
        })
        .immediate(),
    );
    if (written.length > 0) for (const wake of this.wakers) wake();
    return { value, written };
  }

  /** `write` when only the value matters. */
  tx<T>(fn: (events: NewAuditEvent[]) => T): T {
    return this.write(fn).value;
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.handle.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

function mapConstraintErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    // SQLite's message names the table and column, never the values.
    const what = (err as Error).message;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new StateStoreError('CONFLICT', `already exists (${what})`);
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new StateStoreError('NOT_FOUND', 'a referenced record does not exist');
    if (code === 'SQLITE_CONSTRAINT_CHECK') throw new StateStoreError('INVALID_INPUT', `a value is not allowed (${what})`);
    throw err;
  }
}
