/**
 * One platform simulator (the same one the tests and the demo use, from the build), in its
 * own process so the bench can pin it like an upstream and charge its CPU apart, plus a
 * small stats listener that counts what the simulator answered: responses by status and
 * by endpoint, and the most recent request URLs.
 *
 *   node bench/peers/simulator.mjs <dist dir> <platform> '<options JSON>'
 *     options: { seed, products, rateLimit: 'default' | 'off' | 'modeled' }
 *       default: as the platform publishes it (Shopify's bucket, BigCommerce's window;
 *                WooCommerce and Magento publish none, so none)
 *       off:     no limiter at all (throughput runs: the limit would only measure itself)
 *       modeled: also the optional limiter a WooCommerce host or a Magento CDN puts in front,
 *                at the simulator's modeled defaults
 *
 * Prints one JSON line on stdout once listening: { url, baseUrl, credentials, statsUrl, ... }
 * where baseUrl and credentials are what a Unigate platform connection needs (derived from
 * the connector definition's base URL template and credential fields).
 *
 *   GET  <statsUrl>/stats   → { requests, statuses: { "200": n, "429": m }, endpoints: { "GET /x": n }, recent: [url…] }
 *   POST <statsUrl>/reset   → zeroes the counters
 */
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, platform, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');
process.on('SIGTERM', () => process.exit(0));

// Count every answer the simulator gives: its server writes each one through writeHead.
const counts = { requests: 0, statuses: {}, endpoints: {}, recent: [] };
const RECENT = 2000;
const originalWriteHead = http.ServerResponse.prototype.writeHead;
let statsServer;
http.ServerResponse.prototype.writeHead = function writeHead(status, ...rest) {
  if (this.req !== undefined && this.req.socket?.server !== statsServer) {
    counts.requests++;
    counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    const url = this.req.url ?? '';
    const path = url.split('?')[0].replace(/\/[0-9]+(?=\/|\.json|$)/g, '/{id}');
    const endpoint = `${this.req.method} ${path}`;
    counts.endpoints[endpoint] = (counts.endpoints[endpoint] ?? 0) + 1;
    if (counts.recent.length < RECENT) counts.recent.push({ method: this.req.method, url, status });
  }
  return originalWriteHead.call(this, status, ...rest);
};

const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

async function main() {
  const registry = await import(pathToFileURL(join(distDir, 'connectors', 'registry.js')).href);
  const registered = registry.connectorFor(platform);
  if (registered === undefined) throw new Error(`no connector registered for ${platform}`);
  const definition = registered.definition;
  const module = await import(pathToFileURL(join(distDir, 'connectors', platform, 'simulator', 'index.js')).href);
  const start = Object.entries(module).find(([name, value]) => /^start\w*Simulator$/.test(name) && typeof value === 'function')?.[1];
  if (start === undefined) throw new Error(`${platform}: the simulator module exports no start…Simulator function`);

  const limit = options.rateLimit ?? 'default';
  const simOptions = { port: 0, seed: options.seed ?? 1, sizes: { products: options.products ?? 500 } };
  // Each simulator names its limiter option its own way; the ones it does not know are ignored.
  if (limit === 'off') Object.assign(simOptions, { rateLimit: false, hostLimit: false });
  if (limit === 'modeled') Object.assign(simOptions, { rateLimit: {}, hostLimit: {} });
  const sim = await start(simOptions);

  // The connection's base URL: the simulator's origin plus the path of the definition's template
  // (BigCommerce: /stores/{store_hash}); placeholders come from the simulator's own fields.
  const template = definition.baseUrl.template;
  const pathTemplate = template.startsWith('{') ? '' : template.replace(/^https?:\/\/[^/]+/, '');
  const basePath = pathTemplate.replace(/\{(\w+)\}/g, (_, field) => {
    const value = sim[camel(field)];
    if (typeof value !== 'string') throw new Error(`${platform}: the simulator has no ${camel(field)} for {${field}} in the base URL`);
    return value;
  });
  const credentials = {};
  for (const field of definition.auth.credentialFields) {
    const value = sim[camel(field)] ?? (field.endsWith('token') ? sim.token : undefined);
    if (typeof value !== 'string') throw new Error(`${platform}: the simulator has no value for the credential field ${field}`);
    credentials[field] = value;
  }

  statsServer = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/reset') {
      counts.requests = 0;
      counts.statuses = {};
      counts.endpoints = {};
      counts.recent = [];
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => statsServer.listen(0, '127.0.0.1', resolve));
  const info = {
    platform,
    label: definition.label,
    url: sim.url,
    baseUrl: sim.url + basePath,
    credentials,
    auth: definition.auth,
    rateLimit: limit,
    products: simOptions.sizes.products,
    statsUrl: `http://127.0.0.1:${statsServer.address().port}`,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err) => {
  process.stderr.write(`simulator ${platform}: ${err.stack ?? err}\n`);
  process.exit(1);
});
