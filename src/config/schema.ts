/**
 * The unigate.yaml schema: the one source for validation, editor autocompletion
 * (`unigate config schema`) and the TypeScript types of the loaded config.
 * Keys are snake_case here, as users write them; the loader hands code camelCase keys.
 *
 *   upstreams:
 *     catalog: { targets: [{ url: http://127.0.0.1:9001 }] }
 *   routes:
 *     - { name: catalog, match: { path: /catalog/* }, upstream: catalog, strip_prefix: true }
 */
import { Type, type Static } from '@sinclair/typebox';
import { ByteSize, Duration, Section, Strict } from './schema-types.js';
import { AuthSchema, AuthenticateSchema } from '../pipeline/authenticate/schema.js';
import { CredentialsSchema } from '../pipeline/upstream/credentials/schema.js';
import { ShieldSchema } from '../pipeline/upstream/shield/schema.js';
import { RateLimitSchema } from '../pipeline/rate-limit/schema.js';
import { CacheSchema } from '../pipeline/cache/schema.js';
import { ValidateSchema } from '../pipeline/validate/schema.js';
import { TransformRequestSchema } from '../pipeline/transform-request/schema.js';
import { TransformResponseSchema } from '../pipeline/transform-response/schema.js';

const Port = (description: string, defaultValue: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultValue, description });

const StatusCode = Type.Integer({ minimum: 100, maximum: 599 });

export const ListenerTls = Strict(
  {
    cert_file: Type.String({ minLength: 1, description: 'PEM certificate chain file; re-read on reload (SIGHUP).' }),
    key_file: Type.String({ minLength: 1, description: 'PEM private key file; re-read on reload (SIGHUP).' }),
  },
  'Terminate TLS on this listener with these files.',
);

export const ProxyListener = Strict(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Address to bind; use 0.0.0.0 to serve other machines.' }),
    port: Port('TCP port for client traffic (0 picks a free port).', 8080),
    tls: Type.Optional(ListenerTls),
    headers_timeout: Duration('Time allowed for a client to send the request headers (slow-header cut-off).', { default: '30s' }),
    request_timeout: Duration('Time allowed for a client to send the whole request, body included (slow-body cut-off); 0 disables.', { default: '5m' }),
    keep_alive_timeout: Duration('How long an idle client connection is kept open.', { default: '65s' }),
    max_header_bytes: ByteSize('Largest request header section accepted by the listener (431 past it).', 16384),
    trust_forwarded: Type.Boolean({
      default: false,
      description: 'Trust X-Forwarded-For from clients (only behind a load balancer you control): the client IP is its last hop.',
    }),
  },
  'The client-facing listener.',
);

export const AdminListener = Strict(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Address to bind; a non-loopback address requires a token.' }),
    port: Port('TCP port for the admin API and metrics (0 picks a free port).', 8081),
    token: Type.Optional(
      Type.String({ minLength: 16, description: 'Admin bearer token (at least 16 characters); UNIGATE_ADMIN_TOKEN also sets it.' }),
    ),
    public_metrics: Type.Boolean({ default: false, description: 'Serve /metrics without the admin token.' }),
  },
  'The operator-facing listener: admin API and Prometheus metrics.',
);

export const Timeouts = Strict(
  {
    connect: Type.Optional(Duration('TCP (and TLS) connect timeout per attempt. Default 5s.')),
    response_headers: Type.Optional(Duration('Time from sending the request to receiving response headers, per attempt. Default 60s.')),
    body_idle: Type.Optional(Duration('Longest silence between two chunks of the response body. Default 60s.')),
    total: Type.Optional(Duration('Whole request budget across attempts, body included; 0 means none. Default 0.')),
  },
  'Upstream timeouts.',
);

export const Retries = Strict(
  {
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Retries after the first attempt. Default 1.' })),
    on_connect_error: Type.Optional(Type.Boolean({ description: 'Retry when the connection could not be made. Default true.' })),
    on_reset: Type.Optional(Type.Boolean({ description: 'Retry when the connection resets before response headers. Default true.' })),
    on_timeout: Type.Optional(Type.Boolean({ description: 'Retry when response headers time out. Default false.' })),
    on_statuses: Type.Optional(Type.Array(StatusCode, { description: 'Response statuses that are retried. Default [502, 503, 504].' })),
    backoff_base: Type.Optional(Duration('First backoff; doubles per retry, with full jitter. Default 25ms.')),
    backoff_max: Type.Optional(Duration('Backoff ceiling. Default 1s.')),
    budget_ratio: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Retries allowed as a share of requests over the last 10s (retry storms guard). Default 0.2.' }),
    ),
    budget_min_per_second: Type.Optional(
      Type.Number({ minimum: 0, description: 'Retries always allowed per second whatever the ratio. Default 5.' }),
    ),
  },
  'Retry policy for idempotent requests (and others on routes with retry_non_idempotent).',
);

export const ActiveHealthCheck = Strict(
  {
    path: Type.String({ default: '/', pattern: '^/', description: 'Path probed on each target.' }),
    interval: Duration('Time between probes of one target.', { default: '10s' }),
    timeout: Duration('Probe timeout.', { default: '2s' }),
    expected_statuses: Type.Array(StatusCode, { default: [200, 204], description: 'Statuses that count as a healthy probe.' }),
    healthy_threshold: Type.Integer({ minimum: 1, default: 2, description: 'Consecutive good probes to mark a target healthy.' }),
    unhealthy_threshold: Type.Integer({ minimum: 1, default: 3, description: 'Consecutive bad probes to mark a target unhealthy.' }),
  },
  'Periodic probes of every target.',
);

export const PassiveHealthCheck = Strict(
  {
    consecutive_failures: Type.Integer({ minimum: 1, default: 5, description: 'Consecutive failed requests (connect errors, resets, timeouts or listed statuses) that eject a target.' }),
    statuses: Type.Array(StatusCode, { default: [500, 502, 503, 504], description: 'Response statuses counted as failures.' }),
    cooldown: Duration('How long an ejected target stays out before one probe request is let through.', { default: '30s' }),
  },
  'Ejection of targets that fail live traffic.',
);

export const CircuitBreaker = Strict(
  {
    enabled: Type.Boolean({ default: true, description: 'Turn the breaker on for every target.' }),
    window: Duration('Rolling window over which the failure rate is computed.', { default: '10s' }),
    min_requests: Type.Integer({ minimum: 1, default: 20, description: 'Requests needed in the window before the breaker can open.' }),
    failure_rate: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'Failure share in the window that opens the breaker.' }),
    open_for: Duration('How long the breaker stays open before half-open trials.', { default: '15s' }),
    half_open_requests: Type.Integer({ minimum: 1, default: 3, description: 'Trial requests let through when half-open; all must succeed to close.' }),
  },
  'Per-target circuit breaker (closed, open, half-open).',
);

export const UpstreamTls = Strict(
  {
    ca_file: Type.Optional(Type.String({ minLength: 1, description: 'PEM bundle of CAs trusted for this upstream (replaces the system store).' })),
    server_name: Type.Optional(Type.String({ minLength: 1, description: 'SNI and certificate name to verify instead of the target host.' })),
    cert_file: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate (PEM) for mutual TLS.' })),
    key_file: Type.Optional(Type.String({ minLength: 1, description: 'Client private key (PEM) for mutual TLS.' })),
    insecure_skip_verify: Type.Boolean({ default: false, description: 'Do not verify the upstream certificate. Logged loudly; never use in production.' }),
  },
  'TLS settings for https:// targets.',
);

export const Target = Strict(
  {
    url: Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$', description: 'Base URL: scheme, host, port and an optional base path.' }),
    weight: Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Relative share of traffic for weighted balancers.' }),
  },
  'One server of an upstream.',
);

export const Balancer = Type.Union(
  [
    Type.Literal('round-robin'),
    Type.Literal('weighted-round-robin'),
    Type.Literal('least-connections'),
    Type.Literal('consistent-hash'),
  ],
  { default: 'round-robin', description: 'How a target is picked.', expected: 'round-robin, weighted-round-robin, least-connections or consistent-hash' },
);

export const HashOn = Strict(
  {
    header: Type.Optional(Type.String({ minLength: 1, description: 'Hash on this request header.' })),
    client_ip: Type.Optional(Type.Boolean({ description: 'Hash on the client IP.' })),
    consumer: Type.Optional(Type.Boolean({ description: 'Hash on the authenticated consumer id.' })),
  },
  'Key for consistent-hash balancing; the first present of header, consumer, client IP is used.',
);

export const Pool = Strict(
  {
    connections: Type.Integer({ minimum: 1, default: 128, description: 'Most open connections per target.' }),
    keep_alive_timeout: Duration('Idle time before a pooled connection is closed (capped by the upstream\'s Keep-Alive hint).', { default: '4s' }),
  },
  'Connection pool per target.',
);

export const Upstream = Strict(
  {
    targets: Type.Array(Target, { minItems: 1, description: 'Servers behind this upstream.' }),
    balancer: Balancer,
    hash_on: Type.Optional(HashOn),
    health_checks: Type.Optional(
      Strict({ active: Type.Optional(ActiveHealthCheck), passive: Type.Optional(PassiveHealthCheck) }, 'Health checking of targets.'),
    ),
    circuit_breaker: Type.Optional(CircuitBreaker),
    timeouts: Type.Optional(Timeouts),
    retries: Type.Optional(Retries),
    pool: Type.Optional(Pool),
    tls: Type.Optional(UpstreamTls),
    credentials: Type.Optional(CredentialsSchema),
    shield: Type.Optional(ShieldSchema),
    required: Type.Boolean({ default: true, description: '/readyz fails while this upstream has no healthy target.' }),
  },
  'A named backend API.',
);

const HTTP_METHOD = '^[A-Z][A-Z0-9_-]*$';

export const RouteLimits = Strict(
  {
    max_body_bytes: Type.Optional(ByteSize('Largest request body (413 past it). Default from defaults.limits.')),
    max_header_bytes: Type.Optional(ByteSize('Largest request header section (431 past it). Default from defaults.limits.')),
    max_url_bytes: Type.Optional(ByteSize('Longest request target (414 past it). Default from defaults.limits.')),
    max_response_bytes: Type.Optional(
      ByteSize('Largest upstream response a policy may read whole (502 RESPONSE_TOO_LARGE past it); streaming responses are not limited. Default 10 MiB.'),
    ),
  },
  'Request size limits.',
);

export const Route = Strict(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.:-]+$', description: 'Unique route name, used in logs and metrics.' }),
    match: Strict(
      {
        path: Type.String({
          pattern: '^/',
          description: 'Exact path (`/users`), with parameters (`/users/:id`), or a prefix ending in `*` (`/api/*`).',
        }),
        methods: Type.Optional(Type.Array(Type.String({ pattern: HTTP_METHOD }), { minItems: 1, description: 'Methods matched; all when absent.' })),
        hosts: Type.Optional(
          Type.Array(Type.String({ pattern: '^(\\*\\.)?[A-Za-z0-9.-]+$' }), { minItems: 1, description: 'Host names matched (`*.example.com` allowed); any when absent.' }),
        ),
      },
      'What requests this route takes.',
    ),
    upstream: Type.String({ minLength: 1, description: 'Name of the upstream that serves this route.' }),
    strip_prefix: Type.Boolean({ default: false, description: 'Remove the static part of a `*` path before forwarding.' }),
    add_prefix: Type.Optional(Type.String({ pattern: '^/', description: 'Path prepended before forwarding (after strip_prefix).' })),
    preserve_host: Type.Boolean({ default: false, description: 'Send the client\'s Host header instead of the target\'s.' }),
    retry_non_idempotent: Type.Boolean({ default: false, description: 'Allow retries of POST and PATCH (only when the body could be replayed).' }),
    websocket: Type.Boolean({ default: false, description: 'Allow WebSocket upgrades on this route.' }),
    timeouts: Type.Optional(Timeouts),
    retries: Type.Optional(Retries),
    limits: Type.Optional(RouteLimits),
    policies: Type.Optional(
      Strict(
        {
          authenticate: Type.Optional(AuthenticateSchema),
          rate_limit: Type.Optional(RateLimitSchema),
          cache: Type.Optional(CacheSchema),
          validate: Type.Optional(ValidateSchema),
          transform_request: Type.Optional(TransformRequestSchema),
          transform_response: Type.Optional(TransformResponseSchema),
        },
        'Policies this route runs, each under its own key; the order they run in is fixed (see the README).',
      ),
    ),
  },
  'A route: which requests go to which upstream, and how.',
);

export const Defaults = Strict(
  {
    timeouts: Type.Optional(Timeouts),
    retries: Type.Optional(Retries),
    limits: Type.Optional(RouteLimits),
  },
  'Values used where an upstream or route does not set its own.',
);

export const Logging = Strict(
  {
    level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Lowest level written.', expected: 'fatal, error, warn, info, debug, trace or silent' },
    ),
    requests: Type.Boolean({ default: true, description: 'Write one line per proxied request.' }),
  },
  'Logs (JSON lines on stdout).',
);

export const Server = Strict(
  {
    data_dir: Type.String({ default: './data', description: 'Directory for local state (generated admin token, embedded databases).' }),
    drain_delay: Duration(
      'On SIGTERM, how long to go on serving before the listener closes, while /readyz answers 503 and every answer closes its connection: time for load balancers to take the instance out. SIGINT, or a second SIGTERM, skips it.',
      { default: '0s' },
    ),
    drain_timeout: Duration('On SIGTERM, how long in-flight requests may take to finish before exit.', { default: '30s' }),
  },
  'Process behaviour.',
);

export const Stores = Strict(
  {
    state: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Durable state (consumers, keys, connections, credentials): absent for SQLite in data_dir, `sqlite:<path>`, or `postgres://…` for several instances.',
      }),
    ),
    shared: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Shared ephemeral state (rate limits, cache, locks): absent or `memory` for in-process, `redis://…`, `rediss://…` or `redis+cluster://host:port,…` across instances.',
      }),
    ),
  },
  'Where state lives.',
);

export const Commerce = Strict(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve the unified eCommerce API under /v1 (and its docs under /docs) on the proxy port.' }),
    authenticate: Section(AuthenticateSchema),
    rate_limit: Type.Optional(
      Type.Object(RateLimitSchema.properties, {
        additionalProperties: false,
        description: 'Inbound limits on every authenticated call of the unified API (raw passthrough included), as on a route; `route` in a key is `unified-api`.',
      }),
    ),
    fan_out_concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'Stores called at once by a fan-out (connection=all).' }),
    connections_per_store: Type.Integer({ minimum: 1, default: 16, description: 'Most open connections to one store.' }),
    retries: Type.Integer({ minimum: 0, maximum: 5, default: 2, description: 'Retries of platform calls on connection errors and 502/503/504 (idempotent calls only).' }),
    timeouts: Section(
      Strict(
        {
          connect: Duration('Connect timeout to a store.', { default: '5s' }),
          response_headers: Duration('Time for a store to start answering.', { default: '30s' }),
          body_idle: Duration('Longest silence inside a store\'s answer.', { default: '30s' }),
          total: Duration('Whole budget of one platform call, retries included.', { default: '2m' }),
        },
        'Timeouts of platform calls.',
      ),
    ),
    max_response_bytes: ByteSize('Largest platform answer the unified API reads.', 32 * 1024 * 1024),
    raw_cache: Type.Optional(
      Type.Object(CacheSchema.properties, {
        additionalProperties: false,
        description: 'The cache policy on the raw passthrough (/v1/connections/{id}/raw/…), as on a route: entries are per connection, `{connection}` in tags is its id.',
      }),
    ),
    idempotency_ttl: Duration('How long the answer to a write with an Idempotency-Key is kept and replayed to its retries.', { default: '24h' }),
    mapping_threads: Section(
      Strict(
        {
          count: Type.Integer({
            minimum: 0,
            maximum: 64,
            default: 1,
            description: 'Threads that parse, map and serialize unified calls, started on first use; 0 runs them on the event loop, where a large page stalls the proxy traffic meanwhile.',
          }),
          young_generation_mb: Type.Integer({
            minimum: 8,
            maximum: 2048,
            default: 192,
            description: "Each thread's V8 young generation (MB): large enough that a native page's objects die young instead of being copied into the old generation.",
          }),
        },
        'Where unified calls are mapped.',
      ),
    ),
  },
  'The unified eCommerce API over store connections.',
);

export const ConfigSchema = Type.Object(
  {
    commerce: Section(Commerce),
    stores: Type.Optional(Stores),
    auth: Section(AuthSchema),
    listeners: Section(Strict({ proxy: Section(ProxyListener), admin: Section(AdminListener) }, 'Where Unigate listens.')),
    server: Section(Server),
    logging: Section(Logging),
    defaults: Type.Optional(Defaults),
    upstreams: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Upstream, {
      default: {},
      description: 'Named backend APIs.',
    }),
    routes: Type.Array(Route, { default: [], description: 'Routes, matched by host, then path specificity; see the README.' }),
  },
  {
    additionalProperties: false,
    $id: 'https://unigate.dev/schema/unigate.json',
    title: 'Unigate configuration (unigate.yaml)',
  },
);

export type RawConfig = Static<typeof ConfigSchema>;
