/**
 * JWT verification against configured issuers (jose): signature by the issuer's JWKS
 * (fetched, cached and re-fetched when an unknown `kid` shows up, so key rotation needs no
 * restart) or static keys; `iss`, `aud`, `exp` and `nbf` with a small clock skew. Only
 * asymmetric algorithms, so a public key can never be used as an HMAC secret.
 */
import { createRemoteJWKSet, decodeJwt, importJWK, importSPKI, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { parseDuration } from '../../config/duration.js';
import { unauthenticated } from './identity-cache.js';

export interface JwtIssuerConfig {
  issuer: string;
  audience?: string[];
  jwksUrl?: string;
  keys?: string[];
  algorithms: string[];
  consumerClaim: string;
  clockSkew: string | number;
}

interface Issuer {
  config: JwtIssuerConfig;
  key: JWTVerifyGetKey | CryptoKey[] | undefined;
  clockToleranceSec: number;
  ready: Promise<void>;
}

export class JwtVerifier {
  private readonly issuers = new Map<string, Issuer>();

  constructor(configs: readonly JwtIssuerConfig[]) {
    for (const config of configs) {
      const issuer: Issuer = { config, key: undefined, clockToleranceSec: parseDuration(config.clockSkew) / 1000, ready: Promise.resolve() };
      if (config.jwksUrl !== undefined) {
        issuer.key = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 });
      } else {
        issuer.ready = Promise.all((config.keys ?? []).map((text) => importKey(text, config.algorithms))).then((keys) => {
          issuer.key = keys;
        });
      }
      this.issuers.set(config.issuer, issuer);
    }
  }

  /** Looks like a JWT (three base64url parts)? Cheap test before any crypto. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
  }

  /** Verifies the token and returns the consumer id it names; throws UNAUTHENTICATED. */
  async verify(token: string): Promise<{ consumerId: string; claims: JWTPayload }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw unauthenticated('malformed JWT');
    }
    const issuer = typeof unverified.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (issuer === undefined) throw unauthenticated('JWT from an untrusted issuer');
    await issuer.ready;
    const { config } = issuer;
    let payload: JWTPayload;
    try {
      const options = {
        issuer: config.issuer,
        algorithms: config.algorithms,
        clockTolerance: issuer.clockToleranceSec,
        requiredClaims: ['exp'],
        ...(config.audience ? { audience: config.audience } : {}),
      };
      payload = Array.isArray(issuer.key) ? await verifyWithAny(token, issuer.key, options) : (await jwtVerify(token, issuer.key!, options)).payload;
    } catch (err) {
      throw unauthenticated(`JWT rejected: ${(err as { code?: string }).code ?? 'invalid'}`);
    }
    const subject = payload[config.consumerClaim];
    if (typeof subject !== 'string' || subject === '') throw unauthenticated(`JWT has no "${config.consumerClaim}" claim`);
    return { consumerId: subject, claims: payload };
  }
}

async function verifyWithAny(token: string, keys: CryptoKey[], options: Parameters<typeof jwtVerify>[2]): Promise<JWTPayload> {
  let last: unknown;
  for (const key of keys) {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      last = err;
      if ((err as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw err;
    }
  }
  throw last;
}

async function importKey(text: string, algorithms: string[]): Promise<CryptoKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as { alg?: string };
    return (await importJWK(jwk, jwk.alg ?? algorithms[0])) as CryptoKey;
  }
  return importSPKI(trimmed, algorithms[0]!);
}
