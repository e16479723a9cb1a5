/**
 * TLS both ways, with a throwaway CA made by openssl: verified upstream certificates, custom
 * CA bundles, SNI override, client certificates (mTLS), the explicit insecure flag, and TLS
 * termination on the listener with certificate reload.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createThrowawayCa, type ThrowawayCa } from '../helpers/throwaway-ca.js';

let ca: ThrowawayCa;
const servers: https.Server[] = [];
const gateways: TestGateway[] = [];

beforeAll(() => {
  ca = createThrowawayCa();
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  for (const s of servers) s.closeAllConnections(), s.close();
});

async function httpsUpstream(options: https.ServerOptions): Promise<string> {
  const server = https.createServer(options, (req, res) => {
    const cert = (req.socket as tls.TLSSocket).getPeerCertificate();
    res.end(JSON.stringify({ client: cert?.subject?.CN ?? null, servername: (req.socket as tls.TLSSocket & { servername?: string }).servername ?? null }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function gateway(upstreamYaml: string, listeners = ''): Promise<TestGateway> {
  const gw = await startGateway(`${listeners}
upstreams:
  u:
    retries: { count: 0 }
${upstreamYaml}
routes: [{ name: r, match: { path: /* }, upstream: u }]
`);
  gateways.push(gw);
  return gw;
}

async function call(url: string, dispatcher?: Agent) {
  const res = await request(url, dispatcher ? { dispatcher } : {});
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, any> };
}

describe('upstream TLS', () => {
  it('verifies the upstream against a custom CA bundle', async () => {
    const server = ca.issue('localhost', ['127.0.0.1', 'localhost']);
    const url = await httpsUpstream({ cert: server.cert, key: server.key });
    const gw = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { ca_file: "${ca.caFile}" }`);
    expect((await call(`${gw.url}/x`)).status).toBe(200);
  });

  it('refuses an upstream whose certificate does not verify', async () => {
    const server = ca.issue('localhost', ['127.0.0.1']);
    const url = await httpsUpstream({ cert: server.cert, key: server.key });
    const gw = await gateway(`    targets: [{ url: "${url}" }]`); // system CAs only
    const res = await call(`${gw.url}/x`);
    expect(res.status).toBe(502);
    expect(res.json().error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('skips verification only with the explicit flag, and says so loudly', async () => {
    const server = ca.issue('localhost', ['127.0.0.1']);
    const url = await httpsUpstream({ cert: server.cert, key: server.key });
    const gw = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { insecure_skip_verify: true }`);
    expect((await call(`${gw.url}/x`)).status).toBe(200);
    expect(gw.logs.records.some((r) => r.level === 40 && String(r.msg).includes('TLS CERTIFICATE VERIFICATION IS OFF'))).toBe(true);
  });

  it('overrides SNI and the verified name', async () => {
    const server = ca.issue('api.internal', ['api.internal']);
    const url = await httpsUpstream({ cert: server.cert, key: server.key });
    const refused = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { ca_file: "${ca.caFile}" }`);
    expect((await call(`${refused.url}/x`)).status).toBe(502);
    const gw = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { ca_file: "${ca.caFile}", server_name: api.internal }`);
    const res = await call(`${gw.url}/x`);
    expect(res.status).toBe(200);
    expect(res.json().servername).toBe('api.internal');
  });

  it('presents a client certificate for mutual TLS', async () => {
    const server = ca.issue('localhost', ['127.0.0.1']);
    const client = ca.issue('unigate-client', ['unigate-client'], 'client');
    const url = await httpsUpstream({ cert: server.cert, key: server.key, ca: ca.ca, requestCert: true, rejectUnauthorized: true });
    const without = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { ca_file: "${ca.caFile}" }`);
    expect((await call(`${without.url}/x`)).status).toBe(502);
    const gw = await gateway(`    targets: [{ url: "${url}" }]\n    tls: { ca_file: "${ca.caFile}", cert_file: "${client.certFile}", key_file: "${client.keyFile}" }`);
    const res = await call(`${gw.url}/x`);
    expect(res.status).toBe(200);
    expect(res.json().client).toBe('unigate-client');
  });
});

describe('listener TLS', () => {
  it('terminates TLS and re-reads the certificate on reload', async () => {
    const first = ca.issue('localhost', ['127.0.0.1']);
    const certFile = join(ca.dir, 'listener.pem');
    const keyFile = join(ca.dir, 'listener.key');
    copyFileSync(first.certFile, certFile);
    copyFileSync(first.keyFile, keyFile);
    const plain = await httpsUpstream({ cert: first.cert, key: first.key });
    const gw = await gateway(
      `    targets: [{ url: "${plain}" }]\n    tls: { ca_file: "${ca.caFile}" }`,
      `listeners:
  proxy: { host: 127.0.0.1, port: 0, tls: { cert_file: "${certFile}", key_file: "${keyFile}" } }
  admin: { host: 127.0.0.1, port: 0, token: test-admin-token-0123456789 }`,
    );
    expect(gw.url.startsWith('https://')).toBe(true);
    const serialOf = () =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(gw.url);
        const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: ca.ca }, () => {
          resolve(socket.getPeerCertificate().serialNumber);
          socket.end();
        });
        socket.on('error', reject);
      });
    const agent = new Agent({ connect: { ca: ca.ca } });
    expect((await call(`${gw.url}/x`, agent)).status).toBe(200);
    const before = await serialOf();

    const second = ca.issue('localhost', ['127.0.0.1']);
    copyFileSync(second.certFile, certFile);
    copyFileSync(second.keyFile, keyFile);
    expect(await gw.gateway.reload()).toBeUndefined();
    const after = await serialOf();
    expect(after).not.toBe(before);
    await agent.close();
  });
});
