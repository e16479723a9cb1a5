/**
 * The practical ceiling for a Node proxy: node:http in, one undici.Pool out, bodies streamed
 * both ways, hop-by-hop headers dropped (RFC 9110 §7.6.1), nothing else — no logs, no metrics.
 * Usage: node minimal-forwarder.mjs <port> <upstream origin>
 */
import http from 'node:http';
import { Pool } from 'undici';

const [port, origin] = [Number(process.argv[2]), process.argv[3]];
const pool = new Pool(origin, { connections: 64, pipelining: 1 });
// Exit through process.exit so --cpu-prof and friends can write their output.
process.on('SIGTERM', () => process.exit(0));
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function endToEnd(headers) {
  const out = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

http
  .createServer((req, res) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
    pool.stream(
      { path: req.url, method: req.method, headers: endToEnd(req.headers), body, opaque: res },
      ({ statusCode, headers, opaque }) => opaque.writeHead(statusCode, endToEnd(headers)),
      (err) => {
        if (!err) return;
        if (res.headersSent) res.destroy(err);
        else res.writeHead(502, { 'content-length': '0' }).end();
      },
    );
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`minimal forwarder on 127.0.0.1:${port} -> ${origin}\n`));
