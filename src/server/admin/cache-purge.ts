/**
 * POST /admin/cache/purge: removes cache entries by exact key (the `X-Cache-Key` a response
 * carried), by client URL prefix, by tag, or all of them. The shared store carries the purge
 * to every instance's in-memory layer.
 *
 *   curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"prefix":"/shop/products"}' :8081/admin/cache/purge
 */
import type { FastifyInstance } from 'fastify';
import { UnigateError } from '../../errors/unigate-error.js';
import type { CacheStorage } from '../../store/shared/types.js';

type PurgeBody = { key: string } | { prefix: string } | { tag: string } | { all: true };

const SHAPE = 'give exactly one of key, prefix, tag (non-empty strings) or all: true';

export function registerCachePurge(app: FastifyInstance, cache: CacheStorage): void {
  app.post('/admin/cache/purge', async (req) => {
    const body = parse(req.body);
    if ('key' in body) {
      await cache.delete(body.key);
      return { purged: 'key', key: body.key };
    }
    if ('prefix' in body) return { purged: 'prefix', prefix: body.prefix, count: await cache.purgePrefix(body.prefix) };
    if ('tag' in body) return { purged: 'tag', tag: body.tag, count: await cache.purgeTag(body.tag) };
    await cache.purgeAll();
    return { purged: 'all' };
  });
}

function parse(body: unknown): PurgeBody {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const entries = Object.entries(body);
    const [name, value] = entries[0] ?? [];
    if (entries.length === 1) {
      if ((name === 'key' || name === 'prefix' || name === 'tag') && typeof value === 'string' && value !== '') return { [name]: value } as PurgeBody;
      if (name === 'all' && value === true) return { all: true };
    }
  }
  throw new UnigateError('VALIDATION_FAILED', { message: 'The purge request is malformed', details: { errors: [{ path: '', message: SHAPE }] } });
}
