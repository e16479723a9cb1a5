/**
 * Two tiny upstreams for the demo (until the commerce simulators take over): an echo
 * service that answers with what it received, and a catalog API served by two instances
 * so balancing and failover can be watched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SampleUpstreams {
  echoUrl: string;
  catalogUrls: [string, string];
  close(): Promise<void>;
}

const PRODUCTS = [
  { id: '1', name: 'Espresso cup', price: '9.50', currency: 'EUR' },
  { id: '2', name: 'Pour-over kettle', price: '42.00', currency: 'EUR' },
  { id: '3', name: 'Burr grinder', price: '129.00', currency: 'EUR' },
];

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startSampleUpstreams(): Promise<SampleUpstreams> {
  const echo = http.createServer((req, res) => {
    if (req.url === '/healthz') return json(res, 200, { status: 'ok' });
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => json(res, 200, { method: req.method, url: req.url, headers: req.headers, body_bytes: size }));
  });
  const catalog = (instance: string) =>
    http.createServer((req, res) => {
      if (req.url === '/healthz') return json(res, 200, { status: 'ok' });
      const url = new URL(req.url ?? '/', 'http://catalog');
      const match = /^\/api\/products(?:\/([^/]+))?$/.exec(url.pathname);
      if (match === null) return json(res, 404, { message: 'not found' });
      res.setHeader('x-served-by', instance);
      if (match[1] === undefined) return json(res, 200, { products: PRODUCTS });
      const product = PRODUCTS.find((p) => p.id === match[1]);
      return product ? json(res, 200, product) : json(res, 404, { message: `no product ${match[1]}` });
    });
  const servers = [echo, catalog('catalog-a'), catalog('catalog-b')];
  const [echoUrl, a, b] = await Promise.all(servers.map(listen));
  return {
    echoUrl: echoUrl!,
    catalogUrls: [a!, b!],
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
