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

export interface Identified {
  identity: Identity;
  /** The request header the credential came in (to keep it from the upstream). */
  header: string;
}

/**
 * Who presents these request headers: an API key (`X-Api-Key` or `Authorization: Bearer
 * ug_…`) or a JWT, as `mode` allows. Throws UNAUTHENTICATED / FORBIDDEN.
 */
export async function identify(header: (name: string) => string | undefined, mode: AuthenticateConfig['mode'], deps: Pick<AuthenticateDeps, 'identities' | 'jwt'>): Promise<Identified> {
  const acceptKeys = mode !== 'jwt';
  const acceptJwt = mode !== 'key' && deps.jwt !== undefined;
  const key = presentedKey(header, acceptKeys);
  if (key !== undefined) return { identity: await deps.identities.verifyKey(key.value), header: key.header };
  const bearer = bearerOf(header);
  if (bearer === undefined) throw unauthenticated('no credentials presented');
  if (acceptJwt && JwtVerifier.looksLikeJwt(bearer)) {
    const { consumerId } = await deps.jwt!.verify(bearer);
    return { identity: { consumer: await deps.identities.enabledConsumer(consumerId), apiKey: undefined, via: 'jwt' }, header: 'authorization' };
  }
  throw unauthenticated(acceptKeys ? 'not an API key' : 'not a JWT');
}

function bearerOf(header: (name: string) => string | undefined): string | undefined {
  const authorization = header('authorization');
  return authorization !== undefined && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
}

/** An API key presented as `X-Api-Key` or `Authorization: Bearer ug_…`, and the header it came in. */
function presentedKey(header: (name: string) => string | undefined, acceptKeys: boolean): { value: string; header: string } | undefined {
  if (!acceptKeys) return undefined;
  const apiKey = header(API_KEY_HEADER);
  if (apiKey !== undefined) return { value: apiKey, header: API_KEY_HEADER };
  const bearer = bearerOf(header);
  return bearer?.startsWith('ug_') ? { value: bearer, header: 'authorization' } : undefined;
}

/** identify() answered from the identity cache alone, when it can be (an API key seen lately). */
function identifyCached(header: (name: string) => string | undefined, mode: AuthenticateConfig['mode'], identities: IdentityCache): Identified | undefined {
  const key = presentedKey(header, mode !== 'jwt');
  const identity = key === undefined ? undefined : identities.peekKey(key.value);
  return identity === undefined ? undefined : { identity, header: key!.header };
}

export function createAuthenticate(config: AuthenticateConfig, deps: AuthenticateDeps): Policy {
  if (config.mode !== 'key' && deps.jwt === undefined) {
    throw new Error(`route "${deps.routeName}" accepts JWTs but auth.jwt has no issuers`);
  }

  return {
    name: 'authenticate',
    phase: 'authenticate',
    onRequest(ctx) {
      const header = (name: string): string | undefined => ctx.header(name);
      const cached = identifyCached(header, config.mode, deps.identities);
      if (cached !== undefined) return admit(ctx, cached);
      return identify(header, config.mode, deps).then((identified) => admit(ctx, identified));
    },
  };

  function admit(ctx: RequestContext, { identity, header }: Identified): undefined {
    const routes = identity.apiKey?.scopes.routes;
    if (routes !== undefined && routes.length > 0 && !routes.includes(deps.routeName)) {
      throw new UnigateError('FORBIDDEN', { message: 'The API key may not use this route', details: { route: deps.routeName } });
    }
    ctx.identity = identity;
    ctx.consumerId = identity.consumer.id;
    // Our credential is for Unigate only; never pass it to a third party.
    ctx.withholdHeader(header);
    return undefined;
  }
}
