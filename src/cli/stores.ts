/**
 * What the operator commands (consumers, keys, connections, secrets) work on: the state store
 * and keyring named by the config file, opened the way `start` opens them, so the commands
 * work while a gateway runs (it hears of the changes through the store's change feed).
 * Results go to stdout as JSON; problems to stderr with exit code 1.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfigFile, type Config } from '../config/load.js';
import { isSecretsError } from '../secrets/errors.js';
import { keyFilePath, loadKeyring, MASTER_KEY_ENV } from '../secrets/load-keyring.js';
import type { Keyring } from '../secrets/keyring.js';
import { toAdminError } from '../server/admin/errors.js';
import { catalogOf, type ManageDeps } from '../server/admin/manage.js';
import type { Problem } from '../server/admin/validate.js';
import { openStateStore } from '../store/state/open-state-store.js';
import type { StateStore } from '../store/state/types.js';

export interface ConfigOption {
  config?: string;
}

export interface CliStores {
  readonly config: Config;
  readonly state: StateStore;
  readonly keyring: Keyring;
  /** For the shared checks in src/server/admin/manage*.ts; the audit actor is `cli:<user>`. */
  readonly deps: ManageDeps;
}

export function withConfigOption(command: Command): Command {
  return command.option('-c, --config <file>', 'config file naming the stores (also UNIGATE_CONFIG)');
}

/** Opens the stores, runs `fn`, prints what it returns as JSON, and closes them. */
export async function withStores(options: ConfigOption, fn: (stores: CliStores) => Promise<unknown>): Promise<void> {
  let state: StateStore | undefined;
  try {
    const path = options.config ?? (process.env.UNIGATE_CONFIG || undefined);
    if (path === undefined) throw new CliError('give the config file with -c (or UNIGATE_CONFIG): it names the stores');
    const config = loadConfigFile(path);
    const dataDir = config.server!.dataDir;
    const store = await openStateStore(config.stores?.state, { dataDir });
    state = store;
    const keyring = await keyringLoader(dataDir, store);
    const deps = {
      state: store,
      catalog: catalogOf(config),
      actor: cliActor(),
      get keyring() {
        return keyring();
      },
    };
    const result = await fn({
      config,
      state: store,
      deps,
      get keyring() {
        return keyring();
      },
    });
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    process.exitCode = 1;
  } finally {
    await state?.close();
  }
}

/**
 * The keyring, loaded on first use (consumer and key commands never need it). A key file is
 * created only for a store that holds no secrets yet: with secrets stored, a missing key
 * means this shell lacks the gateway's UNIGATE_MASTER_KEY, and a fresh key would split them.
 */
async function keyringLoader(dataDir: string, state: StateStore): Promise<() => Keyring> {
  const fromEnv = (process.env[MASTER_KEY_ENV] ?? '').trim() !== '';
  const mayCreate = fromEnv || existsSync(keyFilePath(dataDir)) || (await state.countSecretsByKey()).size === 0;
  let keyring: Keyring | undefined;
  return () => {
    if (!mayCreate) {
      throw new CliError(`no master key: set ${MASTER_KEY_ENV} as the gateway has it (${keyFilePath(dataDir)} does not exist, and the store holds secrets)`);
    }
    return (keyring ??= loadKeyring({ dataDir }));
  };
}

/** A problem the operator can fix, said in one line. */
export class CliError extends Error {}

function describeError(err: unknown): string {
  if (err instanceof CliError) return `unigate: ${err.message}`;
  if (err instanceof ConfigError) return err.message;
  if (isSecretsError(err)) return `unigate: ${err.message} (${err.code})`;
  const unigate = toAdminError(err);
  if (unigate.code === 'INTERNAL_ERROR') return `unigate: ${(err as Error).stack ?? String(err)}`;
  const problems = (unigate.details?.errors as Problem[] | undefined) ?? [];
  return [`unigate: ${unigate.message} (${unigate.code})`, ...problems.map((p) => `  - ${p.path || '(body)'}: ${p.message}`)].join('\n');
}

function cliActor(): string {
  try {
    const name = userInfo().username.replace(/[^A-Za-z0-9_.@-]/g, '');
    return name === '' ? 'cli' : `cli:${name}`;
  } catch {
    return 'cli';
  }
}

export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(value: string): number {
  if (!/^[1-9][0-9]{0,6}$/.test(value)) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

export function parseJson(text: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${option} is not valid JSON`);
  }
}
