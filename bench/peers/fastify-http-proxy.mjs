/**
 * The reference Node proxy: Fastify 5 + @fastify/http-proxy (undici underneath), its
 * defaults except a 64-connection pool like the other peers. Logger off, as in its README.
 * Usage: node fastify-http-proxy.mjs <port> <upstream origin>
 */
import httpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const [port, origin] = [Number(process.argv[2]), process.argv[3]];
// Exit through process.exit so --cpu-prof and friends can write their output.
process.on('SIGTERM', () => process.exit(0));
const app = Fastify({ logger: false });
await app.register(httpProxy, { upstream: origin, undici: { connections: 64, pipelining: 1 } });
await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`@fastify/http-proxy on 127.0.0.1:${port} -> ${origin}\n`);
