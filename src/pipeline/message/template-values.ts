/**
 * What transform templates may read: path params, query values, request attributes, and the
 * non-secret attributes of the consumer and connection. Secrets are never in the scope, so no
 * template can reach one: credentials live only in the vault and in credential injection.
 *
 *   { params.id }  { query.page }  { request.id }  { consumer.metadata.plan }  { connection.settings.shop }
 */
import type { RequestContext } from '../../server/context.js';
import type { TemplateScalar, TemplateScope, TemplateValues } from '../../transform/template/template.js';

export const TEMPLATE_SCOPE: TemplateScope = {
  params: { keys: '*' },
  query: { keys: '*' },
  request: { keys: ['id', 'method', 'path', 'host', 'client_ip'] },
  /** id, name and metadata.<key> (top-level scalar metadata only). */
  consumer: { keys: '*' },
  /** id, name, target, base_url and settings.<key> (the strategy's non-secret settings). */
  connection: { keys: '*' },
};

/** True when some template text of a config reads the connection (it must then be resolved first). */
export function usesConnection(config: unknown): boolean {
  return /\{\s*connection\./.test(JSON.stringify(config) ?? '');
}

type Group = Record<string, TemplateScalar>;

export function templateValues(ctx: RequestContext): TemplateValues {
  const query: Group = Object.create(null) as Group;
  if (ctx.query !== '') {
    for (const [name, value] of new URLSearchParams(ctx.query)) if (!Object.hasOwn(query, name)) query[name] = value;
  }
  const values: Record<string, Group> = {
    params: ctx.params as Group,
    query,
    request: { id: ctx.id, method: ctx.method, path: ctx.path, host: ctx.host, client_ip: ctx.clientIp },
  };
  const consumer = ctx.identity?.consumer;
  if (consumer !== undefined) values.consumer = flatten({ id: consumer.id, name: consumer.name }, 'metadata', consumer.metadata);
  const connection = ctx.connection;
  if (connection !== undefined) {
    values.connection = flatten(
      { id: connection.id, name: connection.name, target: connection.target, base_url: connection.baseUrl },
      'settings',
      connection.authSettings,
    );
  }
  return values;
}

function flatten(base: Group, prefix: string, extra: Readonly<Record<string, unknown>>): Group {
  const out: Group = Object.create(null) as Group;
  Object.assign(out, base);
  for (const [key, value] of Object.entries(extra)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[`${prefix}.${key}`] = value;
  }
  return out;
}
