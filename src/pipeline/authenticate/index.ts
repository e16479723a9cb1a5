/**
 * The `authenticate` policy: who is calling. An API key (`Authorization: Bearer ug_live_…`
 * or `X-Api-Key`), a JWT from a configured issuer, or either. 401 UNAUTHENTICATED (with
 * WWW-Authenticate) without valid credentials; 403 FORBIDDEN for a valid key whose scopes
 * leave this route out, or a disabled consumer. What the caller authenticated with is
 * removed from the request before it goes upstream.
 *
 *   routes:
 *     - name: payments
 *       policies: { authenticate: { mode: either } }
 */
import { UnigateError } from '../../errors/unigate-error.js';
import type { RequestContext } from '../../server/context.js';
import type { Policy } from '../policy.js';
import { type IdentityCache, type Identity, unauthenticated } from './identity-cache.js';
import { JwtVerifier } from './jwt-verifier.js';

export interface AuthenticateConfig {
  mode: 'key' | 'jwt' | 'either';
}

export interface AuthenticateDeps {
  routeName: string;
  identities: IdentityCache;
  jwt: JwtVerifier | undefined;
}

const API_KEY_HEADER = 'x-api-key';

export function createAuthenticate(config: AuthenticateConfig, deps: AuthenticateDeps): Policy {
  const acceptKeys = config.mode !== 'jwt';
  const acceptJwt = config.mode !== 'key';
  if (acceptJwt && deps.jwt === undefined) {
    throw new Error(`route "${deps.routeName}" accepts JWTs but auth.jwt has no issuers`);
  }

  async function identify(ctx: RequestContext): Promise<{ identity: Identity; header: string }> {
    const apiKey = ctx.header(API_KEY_HEADER);
    if (apiKey !== undefined && acceptKeys) return { identity: await deps.identities.verifyKey(apiKey), header: API_KEY_HEADER };
    const authorization = ctx.header('authorization');
    const bearer = authorization !== undefined && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    if (bearer === undefined) throw unauthenticated('no credentials presented');
    if (acceptKeys && bearer.startsWith('ug_')) return { identity: await deps.identities.verifyKey(bearer), header: 'authorization' };
    if (acceptJwt && JwtVerifier.looksLikeJwt(bearer)) {
      const { consumerId } = await deps.jwt!.verify(bearer);
      return { identity: { consumer: await deps.identities.enabledConsumer(consumerId), apiKey: undefined, via: 'jwt' }, header: 'authorization' };
    }
    throw unauthenticated(acceptKeys ? 'not an API key' : 'not a JWT');
  }

  return {
    name: 'authenticate',
    phase: 'authenticate',
    async onRequest(ctx) {
      const { identity, header } = await identify(ctx);
      const routes = identity.apiKey?.scopes.routes;
      if (routes !== undefined && routes.length > 0 && !routes.includes(deps.routeName)) {
        throw new UnigateError('FORBIDDEN', { message: 'The API key may not use this route', details: { route: deps.routeName } });
      }
      ctx.identity = identity;
      ctx.consumerId = identity.consumer.id;
      // Our credential is for Unigate only; never pass it to a third party.
      delete ctx.upstreamHeaders[header];
      return undefined;
    },
  };
}
