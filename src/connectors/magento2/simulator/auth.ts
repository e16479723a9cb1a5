/**
 * Magento authentication (magento2.md §2): `POST /V1/integration/admin/token` answers a bare
 * JSON string (a JWT since 2.4.4) valid for 4 hours; six failed sign-ins lock the account
 * for 30 minutes with the same message; protected routes want `Authorization: Bearer …` and
 * answer 401 "The consumer isn't authorized to access %resources." otherwise, guests included.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../simulator-kit/server.js';
import { jsonBody, mError } from './respond.js';
import type { MagentoSimulatorState } from './state.js';

const SIGN_IN_FAILED = 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.';

function jwt(state: MagentoSimulatorState, username: string, issuedAt: number, expiresAt: number): string {
  const part = (x: object): string => Buffer.from(JSON.stringify(x)).toString('base64url');
  const head = part({ kid: '1', alg: 'HS256' });
  const body = part({ uid: state.admins.findIndex((a) => a.username === username) + 1, utypid: 2, iat: issuedAt, exp: expiresAt, nonce: randomBytes(8).toString('hex') });
  const signature = createHmac('sha256', 'magento-simulator').update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

export function issueAdminToken(state: MagentoSimulatorState, req: SimRequest): SimResponse {
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const username = typeof body.value.username === 'string' ? body.value.username : '';
  const password = typeof body.value.password === 'string' ? body.value.password : '';
  const missing = [username === '' ? 'username' : '', password === '' ? 'password' : ''].filter((x) => x !== '');
  if (missing.length > 0) {
    // [I] CredentialsValidator collects both fields into one input exception.
    return mError(400, 'One or more input exceptions have occurred.', undefined, {
      errors: missing.map((fieldName) => ({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName } })),
    });
  }
  const now = state.clock.now();
  const failures = state.failures.get(username) ?? { count: 0, lockedUntil: 0 };
  if (failures.lockedUntil > now) return mError(401, SIGN_IN_FAILED);
  const admin = state.admins.find((a) => a.username === username && a.password === password);
  if (!admin) {
    failures.count++;
    if (failures.count >= state.settings.lockMaxFailures) {
      failures.lockedUntil = now + state.settings.lockSeconds * 1000;
      failures.count = 0;
    }
    state.failures.set(username, failures);
    return mError(401, SIGN_IN_FAILED);
  }
  state.failures.delete(username);
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = now + state.settings.adminTokenLifetimeSeconds * 1000;
  const token = jwt(state, username, issuedAt, Math.floor(expiresAt / 1000));
  state.issued.set(token, { username, expiresAt });
  return { status: 200, body: token };
}

/** Whether the request carries a live bearer token (every admin token has every ACL resource). */
export function authorized(state: MagentoSimulatorState, req: SimRequest): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  const token = m?.[1];
  if (token === undefined) return false;
  if (state.staticTokens.has(token)) return true;
  const issued = state.issued.get(token);
  return issued !== undefined && issued.expiresAt > state.clock.now();
}

/** The raw phrase and the route's ACL resource (§2, §10: clients substitute themselves). */
export function notAuthorized(resource: string): SimResponse {
  return mError(401, "The consumer isn't authorized to access %resources.", { resources: resource });
}
