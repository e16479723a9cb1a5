/**
 * A connection's `auth_settings`, checked against its strategy's schema with defaults filled
 * in and compiled once per settings object (a connection re-read from the store brings a new
 * one), so injection only runs what was built.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { UnigateError } from '../../../errors/unigate-error.js';
import type { JsonObject } from '../../../store/state/types.js';
import type { StrategyEnv } from './strategy.js';

/** Thrown by a compile function for a problem the schema cannot express. */
export class SettingsProblem extends Error {}

export interface CompiledSettings<T> {
  /** The compiled settings of the env's connection; throws CONNECTOR_AUTH_FAILED when invalid. */
  of(env: StrategyEnv): T;
  /** The compiled settings; throws SettingsProblem when invalid. */
  get(settings: JsonObject): T;
  /** A description of what is wrong, or undefined when the settings compile. */
  check(settings: JsonObject): string | undefined;
}

export function compiledSettings<S extends TSchema, T>(schema: S, compile: (settings: Static<S>) => T): CompiledSettings<T> {
  const built = new WeakMap<JsonObject, T>();

  const get = (settings: JsonObject): T => {
    let compiled = built.get(settings);
    if (compiled === undefined) {
      const value = Value.Default(schema, Value.Clone(settings)) as unknown;
      const error = Value.Errors(schema, value).First();
      if (error !== undefined) throw new SettingsProblem(`${error.path || '(settings)'}: ${error.message}`);
      compiled = compile(value as Static<S>);
      built.set(settings, compiled);
    }
    return compiled;
  };

  return {
    get,
    of(env) {
      try {
        return get(env.settings);
      } catch (err) {
        if (!(err instanceof SettingsProblem)) throw err;
        throw new UnigateError('CONNECTOR_AUTH_FAILED', {
          message: 'The connection\'s auth_settings are invalid',
          details: { connection: env.connection.id, problem: err.message },
        });
      }
    },
    check(settings) {
      try {
        get(settings);
        return undefined;
      } catch (err) {
        if (err instanceof SettingsProblem) return err.message;
        throw err;
      }
    },
  };
}
