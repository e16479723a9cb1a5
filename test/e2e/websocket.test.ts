/** WebSocket upgrade passthrough on routes that allow it, refused on those that do not. */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange, statusOf } from '../helpers/raw-http.js';

let server: http.Server;
let gw: TestGateway;
let upgradeHeaders: http.IncomingHttpHeaders | undefined;
let upstreamUrl: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    upgradeHeaders = req.headers;
    if (req.url?.startsWith('/ws/deny')) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 6\r\nconnection: close\r\n\r\nnot ok');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`echo:${data.toString()}`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstreamUrl = url;
  gw = await startGateway(`
upstreams: { u: { targets: [{ url: "${url}" }] } }
routes:
  - { name: ws, match: { path: /ws/* }, upstream: u, websocket: true }
  - { name: plain, match: { path: /plain/* }, upstream: u }
`);
});

afterAll(async () => {
  await gw.close();
  server.closeAllConnections();
  server.close();
});

describe('websocket', () => {
  it('splices client and upstream after 101 and carries messages both ways', async () => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws/chat`, { headers: { 'x-request-id': 'ws-1' } });
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
        ws.send('one');
        ws.send('two');
      });
      ws.on('message', (data) => {
        replies.push(data.toString());
        if (replies.length === 2) resolve();
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(replies).toEqual(['echo:one', 'echo:two']);
    expect(upgradeHeaders?.['x-forwarded-for']).toBe('127.0.0.1');
    expect(upgradeHeaders?.['x-request-id']).toBe('ws-1');
  });

  it('relays the upstream answer when it declines the upgrade', async () => {
    const raw = await rawExchange(
      gw.url,
      'GET /ws/deny HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(403);
    expect(raw.endsWith('not ok')).toBe(true);
  });

  it('refuses upgrades on routes that do not allow them', async () => {
    const raw = await rawExchange(
      gw.url,
      'GET /plain/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(400);
    expect(raw).toContain('does not allow protocol upgrades');
  });
});

describe('websocket tunnels while draining', () => {
  async function drainingGateway(drainTimeout: string): Promise<TestGateway> {
    const dataDir = mkdtempSync(join(tmpdir(), 'unigate-ws-drain-'));
    return startGateway(`
server: { data_dir: ${JSON.stringify(dataDir)}, drain_timeout: ${drainTimeout} }
upstreams: { u: { targets: [{ url: "${upstreamUrl}" }] } }
routes: [{ name: ws, match: { path: /ws/* }, upstream: u, websocket: true }]
`);
  }

  async function openTunnel(own: TestGateway): Promise<{ ws: WebSocket; echo: (text: string) => Promise<string>; closed: Promise<unknown> }> {
    const ws = new WebSocket(`${own.url.replace('http', 'ws')}/ws/chat`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const echo = (text: string) =>
      new Promise<string>((resolve) => {
        ws.once('message', (data) => resolve(data.toString()));
        ws.send(text);
      });
    return { ws, echo, closed };
  }

  it('counts an open tunnel as in flight: the drain waits for it to close', async () => {
    const own = await drainingGateway('1m');
    const tunnel = await openTunnel(own);
    let drained = false;
    const stopped = own.close().then(() => (drained = true));
    expect(await tunnel.echo('still there')).toBe('echo:still there');
    expect(drained).toBe(false);
    tunnel.ws.close();
    await stopped;
    expect(own.logs.records.some((r) => r.msg === 'drain timeout reached; closing remaining connections')).toBe(false);
  });

  it('closes a tunnel still open when the drain timeout ends, and then stops', async () => {
    const own = await drainingGateway('200ms');
    const tunnel = await openTunnel(own);
    await own.close();
    await tunnel.closed;
    expect(own.logs.records.find((r) => r.msg === 'drain timeout reached; closing remaining connections')).toMatchObject({ websockets: 1, in_flight: 0 });
  });
});
