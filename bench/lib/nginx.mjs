/**
 * nginx, three ways: the fast upstream (static JSON and XML files, keep-alive, one worker, no
 * access log), the nginx proxy peer (proxy_pass to an `upstream {}` block with keep-alive,
 * one worker) and the same proxy with a `proxy_cache` zone serving hits. Each runs in the
 * foreground (`daemon off`) under its own prefix in the run dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf } from './procfs.mjs';
import { pinned, sleep, spawnTracked, stop, waitForPort } from './processes.mjs';

export const NGINX = process.env.BENCH_NGINX ?? '/usr/sbin/nginx';

export function nginxVersion() {
  try {
    return execFileSync(NGINX, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() || undefined;
  } catch (err) {
    return String(err.stderr ?? err.message).trim();
  }
}

/** Directives every instance shares: one worker, paths inside the prefix, no access log. */
function commonHead(prefix) {
  // As root, workers would drop to `nobody`, which cannot read the run dir: keep them as root.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
`;
}

function commonHttp(prefix) {
  return `  access_log off;
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
`;
}

/**
 * The upstream: `root` holds `<name>.json` / `<name>.xml` files served at `/<name>`.
 * `/secured/<name>` serves the same files only to requests carrying `X-Upstream-Key: <secret>`
 * (401 otherwise), so variants that inject a credential prove they did.
 */
export function upstreamConf({ prefix, port, root, securedKey }) {
  const secured = securedKey === undefined
    ? ''
    : `
    location /secured/ {
      if ($http_x_upstream_key != "${securedKey}") { return 401; }
      rewrite ^/secured(/.*)$ $1 last;
    }`;
  return `${commonHead(prefix)}http {
${commonHttp(prefix)}  sendfile on;
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  types { application/json json; application/xml xml; }
  default_type application/json;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { try_files $uri.json $uri.xml =404; }${secured}
  }
}
`;
}

/**
 * The nginx proxy peer. With `cache`, a proxy_cache zone under the prefix keeps 200s for an
 * hour (the upstream sends no Cache-Control), one fill per key (proxy_cache_lock), and every
 * answer says X-Cache-Status; sendfile serves the cached files, as a caching nginx would.
 */
export function proxyConf({ prefix, port, upstreamPort, cache = false }) {
  const zone = cache
    ? `  proxy_cache_path ${join(prefix, 'cache')} levels=1:2 keys_zone=bench:10m max_size=256m inactive=1h use_temp_path=off;
  sendfile on;
`
    : '';
  const use = cache
    ? `
      proxy_cache bench;
      proxy_cache_valid 200 1h;
      proxy_cache_lock on;
      add_header X-Cache-Status $upstream_cache_status always;`
    : '';
  return `${commonHead(prefix)}http {
${commonHttp(prefix)}${zone}  upstream origin {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Room for a 64 KiB answer in memory (the defaults would spill it to a temp file).
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;${use}
    }
  }
}
`;
}

/**
 * Starts nginx in the foreground with `conf` under `prefix`, pinned to `cpu`.
 * @returns {Promise<{ entry: import('./processes.mjs').Tracked, pids: number[], workers: number[] }>}
 */
export async function startNginx({ name, prefix, conf, port, cpu }) {
  for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, 'tmp', dir), { recursive: true });
  const confFile = join(prefix, 'nginx.conf');
  writeFileSync(confFile, conf);
  const [cmd, args] = pinned(cpu, NGINX, ['-p', prefix, '-c', confFile, '-e', join(prefix, 'error.log'), '-g', 'daemon off;']);
  const entry = spawnTracked(name, cmd, args, { stdout: join(prefix, 'stdout.log'), stderr: join(prefix, 'error.log') });
  await waitForPort(port, entry);
  // Workers (and, with a cache, the cache manager). The cache loader is left out: it exits on
  // its own a minute after start, and its pid would vanish from under a measured run.
  let workers = [];
  for (let i = 0; i < 100 && workers.length === 0; i++) {
    workers = childrenOf(entry.pid).filter((pid) => !processTitle(pid).includes('cache loader'));
    if (workers.length === 0) await sleep(20);
  }
  if (workers.length === 0) {
    await stop(entry);
    throw new Error(`${name}: no worker process appeared`);
  }
  entry.extraPids.push(...workers);
  return { entry, pids: [entry.pid, ...workers], workers };
}

function processTitle(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
