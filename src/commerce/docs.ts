/**
 * `/docs`: the unified API's reference, rendered by Swagger UI served from its npm package
 * (swagger-ui-dist; nothing is loaded from a CDN) over `/v1/openapi.json`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Unigate unified eCommerce API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/start.js"></script>
</body>
</html>`;

// A file of its own so the page needs no inline script (strict CSP friendly).
const START = `window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#docs', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

export function serveDocs(app: FastifyInstance): void {
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  const page = (_req: unknown, reply: { type(t: string): { send(b: string): unknown } }) => reply.type('text/html; charset=utf-8').send(PAGE);
  app.get('/docs', page);
  app.get('/docs/', page);
  app.get('/docs/start.js', (_req, reply) => reply.type('application/javascript; charset=utf-8').send(START));
  app.get('/docs/:asset', (req, reply) => {
    const name = (req.params as { asset: string }).asset;
    const type = ASSETS[name];
    if (type === undefined) return reply.code(404).type('text/plain').send('not found');
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(root, name));
      cache.set(name, body);
    }
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(body);
  });
}
