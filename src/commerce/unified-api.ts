/**
 * The unified eCommerce API under `/v1` on the proxy port: `product.list` and friends, the
 * same normalized JSON whatever platform the store runs, as REST
 * (`GET /v1/connections/{id}/products`) and as method aliases (`GET /v1/product.list?connection=…`);
 * fan-out over several stores (`connection=all` or `a,b`); the raw passthrough
 * `/v1/connections/{id}/raw/…`; the OpenAPI document and docs. Callers authenticate like on
 * any route (API key or JWT); a consumer reaches only its own connections.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errorEnvelope } from '../errors/envelope.js';
import { UnigateError, isUnigateError } from '../errors/unigate-error.js';
import { identify } from '../pipeline/authenticate/index.js';
import type { Identity } from '../pipeline/authenticate/identity-cache.js';
import type { JwtVerifier } from '../pipeline/authenticate/jwt-verifier.js';
import type { InboundLimiter, LimitSubject } from '../pipeline/rate-limit/index.js';
import { GetQuery, ListQuery, OPERATIONS, ProductUpdateBody, type Operation } from './operations.js';
import { CommerceService, type CallScope } from './service.js';
import { allPlatformCapabilities, capabilitiesOf } from './capabilities.js';
import { writeFingerprint, type IdempotentWrites } from './idempotency.js';
import { buildOpenApi } from './openapi.js';
import { serveDocs } from './docs.js';
import type { RequestTarget } from '../server/request-guard.js';
import { unreadableBody } from '../server/unreadable-body.js';
import type { ClientInfo, createPassthrough } from './passthrough.js';
import type { Logger } from '../observability/logger.js';

export interface UnifiedApiOptions {
  service: CommerceService;
  /** commerce.authenticate.mode of the config now serving (reloadable). */
  authMode: () => 'key' | 'jwt' | 'either';
  jwt: () => JwtVerifier | undefined;
  /** Streams `/v1/connections/{id}/raw/*` through the engine. */
  passthrough: ReturnType<typeof createPassthrough>;
  /** commerce.rate_limit of the config now serving: checked on every authenticated call, after authentication. */
  rateLimit: () => InboundLimiter | undefined;
  /** Idempotency-Key on writes. */
  idempotency: IdempotentWrites;
  logger: Logger;
}

/** The unified API's name where a route's would be: request logs, metrics, rate-limit keys. */
export const UNIFIED_ROUTE = 'unified-api';

const identities = new WeakMap<IncomingMessage, Identity>();
const RAW = /^\/v1\/connections\/([^/]+)\/raw(\/.*)?$/;
const PUBLIC = new Set(['/v1/openapi.json', '/docs', '/docs/']);
/** Write bodies are a few fields; anything near this is a mistake. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export class UnifiedApi {
  private handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  private readonly app: FastifyInstance;

  constructor(private readonly options: UnifiedApiOptions) {
    this.app = Fastify({
      logger: false,
      bodyLimit: BODY_LIMIT_BYTES,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
      serverFactory: (handler) => {
        this.handler = handler;
        return http.createServer();
      },
    });
    this.register();
  }

  async ready(): Promise<void> {
    await this.app.ready();
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.options.service.close();
  }

  /** Paths this API answers on the proxy port. */
  owns(path: string): boolean {
    return path === '/v1' || path.startsWith('/v1/') || path === '/docs' || path.startsWith('/docs/');
  }

  /** Serves one request; resolves when the response is handed over. */
  async serve(req: IncomingMessage, res: ServerResponse, target: RequestTarget, requestId: string, expectContinue: boolean, client: ClientInfo): Promise<void> {
    if (!PUBLIC.has(target.path) && !target.path.startsWith('/docs/')) {
      // Read once: a call runs on the config it started with, whatever a reload does meanwhile.
      const rateLimit = this.options.rateLimit();
      const { identity, header } = await identify((name) => firstHeader(req, name), this.options.authMode(), {
        identities: this.options.service.identities,
        jwt: this.options.jwt(),
      });
      identities.set(req, identity);
      if (rateLimit !== undefined) await this.limit(rateLimit, req, res, identity, client);
      const raw = RAW.exec(target.path);
      if (raw !== null) {
        const scope = { identity, requestId, credentialHeader: header, client };
        await this.options.passthrough(req, res, scope, decodeURIComponent(raw[1]!), raw[2] ?? '/', target.query, expectContinue);
        return;
      }
    }
    req.headers['x-request-id'] = requestId;
    if (expectContinue) res.writeContinue();
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      this.handler!(req, res);
    });
  }

  /** Admits the call or throws 429; the RateLimit-* headers go on whatever answer follows. */
  private async limit(limiter: InboundLimiter, req: IncomingMessage, res: ServerResponse, identity: Identity, client: ClientInfo): Promise<void> {
    const subject: LimitSubject = {
      consumerId: identity.consumer.id,
      identity,
      clientIp: client.clientIp,
      header: (name) => firstHeader(req, name),
      responseHeaders: undefined,
    };
    try {
      const pending = limiter(subject);
      if (pending !== undefined) await pending;
    } finally {
      for (const [name, value] of Object.entries(subject.responseHeaders ?? {})) res.setHeader(name, value);
    }
  }

  /** A write with an Idempotency-Key: applied once, its answer replayed to every retry. */
  private async idempotentWrite(
    reply: FastifyReply,
    scope: CallScope,
    connection: string,
    key: string,
    fingerprint: string,
    write: () => Promise<Record<string, unknown> | Buffer>,
  ): Promise<Buffer> {
    // The caller must still reach the connection before any kept answer is replayed.
    await this.options.service.connection(scope.identity, connection);
    const answer = await this.options.idempotency.run({ consumerId: scope.identity.consumer.id, connection, key, requestId: scope.requestId }, fingerprint, async () => {
      const out = await write();
      return { status: 200, headers: {}, body: Buffer.isBuffer(out) ? out : Buffer.from(JSON.stringify(out)) };
    });
    reply.code(answer.status).headers(answer.headers).type('application/json; charset=utf-8');
    if (answer.replayed) reply.header('idempotent-replayed', 'true');
    return answer.body;
  }

  private register(): void {
    const app = this.app;
    const service = this.options.service;
    app.setErrorHandler((err, req, reply) => {
      const error = toApiError(err);
      const requestId = String(req.headers['x-request-id'] ?? req.id);
      if (error.code === 'INTERNAL_ERROR') this.options.logger.error({ err: error.cause ?? error, req_id: requestId }, 'internal error');
      sendError(reply, error, requestId);
    });
    app.setNotFoundHandler((req, reply) =>
      sendError(reply, new UnigateError('ROUTE_NOT_FOUND', { details: { method: req.method, path: req.url.split('?', 1)[0] } }), String(req.headers['x-request-id'])),
    );

    app.get('/v1/openapi.json', async () => buildOpenApi());
    serveDocs(app);

    app.get('/v1/connections', async (req) => ({ data: await service.connectionsOf(scopeOf(req)) }));
    app.get('/v1/platforms', async (req) => {
      scopeOf(req);
      return { data: allPlatformCapabilities() };
    });
    app.get('/v1/connections/:connection/capabilities', { schema: { params: Type.Object({ connection: Type.String({ minLength: 1 }) }) } }, async (req) => {
      const id = (req.params as { connection: string }).connection;
      const { registered } = await service.connection(scopeOf(req).identity, id);
      return { data: { connection: id, ...capabilitiesOf(registered) } };
    });

    for (const op of OPERATIONS) {
      const querySchema = op.kind === 'list' || op.kind === 'count' ? ListQuery : op.kind === 'update' ? Type.Object({}, { additionalProperties: false }) : GetQuery;
      const params = Type.Object({ connection: Type.String({ minLength: 1 }), ...(op.path.includes('{id}') ? { id: Type.String({ minLength: 1 }) } : {}) });
      const body = op.kind === 'update' ? ProductUpdateBody : undefined;
      const run = async (req: FastifyRequest, reply: FastifyReply, connection: string, id: string | undefined, query: Record<string, unknown>) => {
        const scope = scopeOf(req);
        const body = req.body as Record<string, unknown> | undefined;
        const key = op.kind === 'update' ? firstHeader(req.raw, 'idempotency-key') : undefined;
        if (key === undefined) return json(reply, await service.run(op, scope, connection, id, query, body));
        return this.idempotentWrite(reply, scope, connection, key, writeFingerprint(op.name, id, body), () => service.run(op, scope, connection, id, query, body));
      };
      app.route({
        method: op.method,
        url: `/v1/connections/:connection${op.path.replace('{id}', ':id')}`,
        schema: { params, querystring: querySchema, ...(body ? { body } : {}) },
        handler: async (req, reply) => {
          const p = req.params as { connection: string; id?: string };
          return run(req, reply, p.connection, p.id, req.query as Record<string, unknown>);
        },
      });
      // Method alias: the operation's name as the path, the connection (and id) in the query.
      const aliasQuery = Type.Composite([querySchema, Type.Object({ connection: Type.String({ minLength: 1 }), ...(op.path.includes('{id}') ? { id: Type.String({ minLength: 1 }) } : {}) })], {
        additionalProperties: false,
      });
      app.route({
        method: op.kind === 'update' ? ['PUT', 'PATCH', 'POST'] : 'GET',
        url: `/v1/${op.name}`,
        schema: { querystring: aliasQuery, ...(body ? { body } : {}) },
        handler: async (req, reply) => {
          const { connection, id, ...query } = req.query as Record<string, unknown> & { connection: string; id?: string };
          return run(req, reply, connection, id, query);
        },
      });
    }
  }
}

export function aliasPaths(op: Operation): string {
  return `/v1/${op.name}`;
}

/** An answer already serialized (by a mapping thread) goes out as it is. */
function json(reply: FastifyReply, answer: Record<string, unknown> | Buffer): Record<string, unknown> | Buffer {
  if (Buffer.isBuffer(answer)) reply.type('application/json; charset=utf-8');
  return answer;
}

function scopeOf(req: FastifyRequest): CallScope {
  const identity = identities.get(req.raw);
  if (identity === undefined) throw new UnigateError('UNAUTHENTICATED', { message: 'A valid API key or token is required' });
  return { identity, requestId: String(req.headers['x-request-id'] ?? req.id) };
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toApiError(err: unknown): UnigateError {
  if (isUnigateError(err)) return err;
  const e = err as { validation?: { instancePath: string; message?: string; keyword: string; params?: Record<string, unknown> }[]; validationContext?: string; statusCode?: number };
  if (e.validation !== undefined) {
    const where = e.validationContext ?? 'request';
    return new UnigateError('VALIDATION_FAILED', {
      details: {
        errors: e.validation.map((v) => ({
          path: `${where}${v.instancePath.replace(/\//g, '.')}${v.keyword === 'additionalProperties' ? `.${String(v.params?.additionalProperty)}` : ''}`,
          rule: v.keyword,
          message: v.keyword === 'additionalProperties' ? 'unknown parameter' : (v.message ?? 'is invalid'),
        })),
      },
    });
  }
  if (e.statusCode === 413) return new UnigateError('PAYLOAD_TOO_LARGE', { details: { limit_bytes: BODY_LIMIT_BYTES } });
  const body = unreadableBody(err);
  if (body !== undefined) {
    return new UnigateError('VALIDATION_FAILED', { message: 'The request body could not be read', details: { errors: [{ path: 'body', rule: 'readable', message: `the body ${body}` }] } });
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return new UnigateError('BAD_REQUEST', { message: 'The request is malformed' });
  return new UnigateError('INTERNAL_ERROR', { cause: err });
}

function sendError(reply: FastifyReply, err: UnigateError, requestId: string): void {
  void reply
    .code(err.status)
    .headers({ 'cache-control': 'no-store', 'x-request-id': requestId, ...err.headers })
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(err, requestId));
}
