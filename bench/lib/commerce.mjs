/**
 * The unified eCommerce API in the bench: which platforms take part (every connector in the
 * build's registry, so new ones join by being registered), their simulators as separate
 * pinned processes (bench/peers/simulator.mjs), and the admin API calls that give Unigate a
 * consumer, an API key and one platform connection per store.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pinned, spawnTracked, stop } from './processes.mjs';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIMULATOR_SCRIPT = fileURLToPath(new URL('../peers/simulator.mjs', import.meta.url));

/** The build directory holding the Unigate CLI script (dist/ unless BENCH_UNIGATE_ENTRY names a copy). */
export function distDirOf(env = process.env) {
  return dirname(resolve(REPO_ROOT, env.BENCH_UNIGATE_ENTRY || 'dist/main.js'));
}

/**
 * Platforms whose connector is registered in the build, with their definitions:
 * [{ platform, definition }]. Empty (with a warning) when there is no build yet.
 */
export async function registeredPlatforms(distDir = distDirOf()) {
  const file = join(distDir, 'connectors', 'registry.js');
  if (!existsSync(file)) return [];
  const registry = await import(pathToFileURL(file).href);
  return registry
    .connectedPlatforms()
    .filter((platform) => existsSync(join(distDir, 'connectors', platform, 'simulator', 'index.js')))
    .map((platform) => ({ platform, definition: registry.connectorFor(platform).definition }));
}

/**
 * Starts one platform's simulator in its own process on `cpu`.
 * @returns {Promise<{ info: object, entry: object, pids: () => number[], stats: () => Promise<object>, reset: () => Promise<void>, stop: () => Promise<void> }>}
 */
export async function startSimulator({ distDir, platform, products, seed = 1, rateLimit = 'default', cpu = null, log, nodeArgs = [] }) {
  const [cmd, args] = pinned(cpu, process.execPath, [...nodeArgs, SIMULATOR_SCRIPT, distDir, platform, JSON.stringify({ products, seed, rateLimit })]);
  const entry = spawnTracked(`${platform} simulator`, cmd, args, { stdout: 'pipe', stderr: log ?? 'ignore' });
  const info = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${platform} simulator did not start within 120 s`)), 120_000);
    entry.child.stdout.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(text.slice(0, newline)));
        } catch (err) {
          reject(new Error(`${platform} simulator printed ${text.slice(0, newline)}: ${err.message}`));
        }
      }
    });
    entry.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${platform} simulator exited (code ${code}) during start-up${log ? ` (see ${log})` : ''}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  entry.child.stdout.resume();
  return {
    info,
    entry,
    pids: () => [entry.pid],
    stats: async () => (await fetch(`${info.statsUrl}/stats`)).json(),
    reset: async () => {
      await fetch(`${info.statsUrl}/reset`, { method: 'POST' });
    },
    stop: () => stop(entry),
  };
}

/** JSON calls to Unigate's admin API; throws with the answer on any non-2xx. */
export function adminApi(admin) {
  const call = async (method, path, body) => {
    const res = await fetch(admin.url + path, {
      method,
      headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    /** A consumer and a fresh API key: { consumerId, key }. */
    async consumerWithKey(name) {
      const consumer = await call('POST', '/admin/consumers', { name });
      const key = await call('POST', `/admin/consumers/${encodeURIComponent(consumer.id)}/keys`, { name: `${name} key` });
      return { consumerId: consumer.id, key: key.key };
    },
  };
}

/** A platform connection for the simulator `info` (as bench/peers/simulator.mjs printed it). */
export async function createPlatformConnection(api, consumerId, info) {
  const connection = await api.post('/admin/connections', {
    consumer_id: consumerId,
    name: `bench ${info.label} simulator`,
    kind: 'platform',
    target: info.platform,
    base_url: info.baseUrl,
    auth_strategy: info.auth.strategy,
    auth_settings: info.auth.settings,
    credentials: info.credentials,
  });
  return connection.id;
}

/**
 * The native products request the connector made first since the last reset (from the
 * simulator's request record), as a path below the connection's base URL, without the
 * signature parameters credential injection adds (OAuth 1.0a `oauth_*`): what the raw
 * passthrough must ask for to fetch the same native page.
 */
export function nativeProductsPath(stats, info, definition) {
  const endpoint = definition.endpoints['products.list'];
  const wanted = endpoint.path.replace('{version}', definition.apiVersion);
  const basePath = new URL(info.baseUrl).pathname.replace(/\/$/, '');
  for (const r of stats.recent) {
    const [path, query = ''] = r.url.split('?');
    if (r.method !== 'GET' || path !== basePath + wanted) continue;
    // Kept as sent (no re-encoding), less the signature parameters.
    const q = query.split('&').filter((part) => part !== '' && !part.startsWith('oauth_')).join('&');
    return `${wanted}${q === '' ? '' : `?${q}`}`;
  }
  throw new Error(`${info.platform}: no native ${wanted} request seen in the simulator's record`);
}
