/**
 * A credential strategy puts one connection's secret into an outgoing attempt: a header, a
 * query parameter, Basic, a bearer token, an OAuth2 access token, or a request signature.
 * Strategies are chosen per connection (`auth_strategy`), configured by its `auth_settings`
 * (checked against `settingsSchema` when the connection is saved) and fed from its
 * credential set, opened from the vault in memory only.
 */
import type { TSchema } from '@sinclair/typebox';
import type { CredentialSet } from '../../../secrets/connection-secrets.js';
import type { Keyring } from '../../../secrets/keyring.js';
import type { Connection, JsonObject, OAuthTokenSet, StateStore } from '../../../store/state/types.js';
import type { Logger } from '../../../observability/logger.js';
import type { OutgoingHeaders } from '../../../server/context.js';

/** The attempt as a strategy may change it. */
export interface InjectionRequest {
  readonly method: string;
  /** `https://host:port` of the target. */
  readonly origin: string;
  /** Path as sent to the target (base path included), without query. */
  readonly path: string;
  headers: OutgoingHeaders;
  /** Raw query without '?'. */
  query: string;
  /** The request body when it was read whole (signing); undefined when streamed or absent. */
  readonly body: Buffer | undefined;
  /** The route reads request bodies whole, so an undefined `body` means there is none. */
  readonly bodyRead: boolean;
}

/** What an attempt carried when the upstream answered it. */
export interface SentAttempt {
  readonly headers: OutgoingHeaders;
  readonly query: string;
}

export interface StrategyServices {
  readonly state: StateStore;
  readonly keyring: Keyring;
  readonly logger: Logger;
  /** Drops this instance's cached copy of a connection after the strategy changed it. */
  forget(connectionId: string): void;
}

export interface StrategyEnv {
  readonly connection: Connection;
  readonly settings: JsonObject;
  /** The connection's credential set; do not keep it past the attempt. */
  credentials(): Promise<Readonly<CredentialSet>>;
  /** The same set when it is already open in memory, without waiting; undefined otherwise. */
  cachedCredentials(): Readonly<CredentialSet> | undefined;
  /** The connection's stored OAuth token set, decrypted now, if any. */
  tokens(): Promise<OAuthTokenSet | undefined>;
  readonly services: StrategyServices;
}

export interface CredentialStrategy {
  readonly name: string;
  /** JSON Schema of `auth_settings` (snake_case keys). */
  readonly settingsSchema: TSchema;
  /** Credential fields the connection must carry, given its settings. */
  credentialFields(settings: JsonObject): readonly string[];
  /** Problems the schema cannot express (template placeholders…), for the admin API to refuse. */
  checkSettings?(settings: JsonObject): string | undefined;
  inject(request: InjectionRequest, env: StrategyEnv): Promise<void> | void;
  /**
   * The upstream answered the attempt (`sent`, as injected) with `status`. True means the
   * credential was refused and a fresh one may help: the attempt is sent again once, after
   * the strategy marked what it must renew.
   */
  refused?(status: number, env: StrategyEnv, sent: SentAttempt): boolean;
}

/** Fills `{field}` placeholders from a credential set. */
export function fillTemplate(template: string, values: CredentialSet): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => values[name] ?? '');
}

const rendered = new WeakMap<Readonly<CredentialSet>, Map<string, string>>();

/** fillTemplate remembered per open credential set: every attempt of a connection sends the same value. */
export function renderTemplate(template: string, credentials: Readonly<CredentialSet>): string {
  let byTemplate = rendered.get(credentials);
  if (byTemplate === undefined) rendered.set(credentials, (byTemplate = new Map()));
  let value = byTemplate.get(template);
  if (value === undefined) byTemplate.set(template, (value = fillTemplate(template, credentials)));
  return value;
}

export function templateFields(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}

/** Runs `use` on the credential set: at once when it is open in memory, else once it is read. */
export function withCredentials(env: StrategyEnv, use: (credentials: Readonly<CredentialSet>) => void): void | Promise<void> {
  const open = env.cachedCredentials();
  if (open !== undefined) return use(open);
  return env.credentials().then(use);
}

/** Removes a header. Outgoing header names are lower case (see OutgoingHeaders), so one look finds it. */
export function removeHeader(headers: OutgoingHeaders, name: string): void {
  const lower = name.toLowerCase();
  // Deletes only when present (the usual case is absent), leaving the object fast.
  if (headers[lower] !== undefined) delete headers[lower];
}

/** Removes every occurrence of a query parameter (by decoded name), keeping the rest verbatim. */
export function removeQueryParam(query: string, name: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .filter((pair) => {
      const raw = pair.split('=', 1)[0]!;
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // keep undecodable names as they are
      }
      return decoded !== name;
    })
    .join('&');
}

export function appendQueryParam(query: string, name: string, value: string): string {
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  return query === '' ? pair : `${query}&${pair}`;
}
