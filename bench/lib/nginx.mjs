/**
 * nginx, twice: the fast upstream (static JSON files, keep-alive, one worker, no access log)
 * and the nginx proxy peer (proxy_pass to an `upstream {}` block with keep-alive, one
 * worker). Each runs in the foreground (`daemon off`) under its own prefix in the run dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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

export function upstreamConf({ prefix, port, root }) {
  return `${commonHead(prefix)}http {
${commonHttp(prefix)}  sendfile on;
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  types { application/json json; }
  default_type application/json;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { try_files $uri.json =404; }
  }
}
`;
}

export function proxyConf({ prefix, port, upstreamPort }) {
  return `${commonHead(prefix)}http {
${commonHttp(prefix)}  upstream origin {
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
      proxy_buffers 8 16k;
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
  let workers = [];
  for (let i = 0; i < 100 && workers.length === 0; i++) {
    workers = childrenOf(entry.pid);
    if (workers.length === 0) await sleep(20);
  }
  if (workers.length === 0) {
    await stop(entry);
    throw new Error(`${name}: no worker process appeared`);
  }
  entry.extraPids.push(...workers);
  return { entry, pids: [entry.pid, ...workers], workers };
}
