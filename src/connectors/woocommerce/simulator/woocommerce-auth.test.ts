import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../simulator-kit/clock.js';
import { DEFAULT_PERIOD_END } from '../../simulator-kit/dataset.js';
import { oauth1Header, signOAuth1 } from '../../simulator-kit/oauth1.js';
import { startWooCommerceSimulator, WOOCOMMERCE_SIMULATOR_KEY, WOOCOMMERCE_SIMULATOR_SECRET, type WooCommerceSimulator } from './index.js';

interface Got {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<Got> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const basic = (key: string, secret: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` });
const authError = (message: string, code = 'woocommerce_rest_authentication_error'): object => ({ code, message, data: { status: 401 } });
const CANNOT_LIST = { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } };

describe('WooCommerce simulator authentication over plain HTTP (OAuth 1.0a one-legged)', () => {
  const clock = createManualClock(DEFAULT_PERIOD_END);
  let sim: WooCommerceSimulator;
  let products: string;

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({
      seed: 4,
      sizes: { products: 6, orders: 4, customers: 3 },
      clock,
      credentials: [
        { consumerKey: WOOCOMMERCE_SIMULATOR_KEY, consumerSecret: WOOCOMMERCE_SIMULATOR_SECRET },
        { consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly', permissions: 'read' },
      ],
    });
    products = `${sim.apiUrl}/products`;
  });
  afterAll(() => sim.close());

  it('accepts a correct HMAC-SHA1 and HMAC-SHA256 signature over every query parameter', async () => {
    const sha1 = await call(sim.signedUrl('GET', `${products}?per_page=2&page=2&modified_after=2024-01-01T00:00:00`));
    expect(sha1.status).toBe(200);
    expect(sha1.body).toHaveLength(2);
    const sha256 = await call(sim.signedUrl('GET', `${products}?per_page=1`, { signatureMethod: 'HMAC-SHA256' }));
    expect(sha256.status).toBe(200);
  });

  it('accepts the OAuth parameters in an Authorization header', async () => {
    const oauth = signOAuth1({
      method: 'GET',
      url: products,
      params: [['per_page', '3']],
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      timestamp: Math.floor(clock.now() / 1000),
      nonce: 'header-nonce-1',
    });
    const res = await call(`${products}?per_page=3`, { headers: { Authorization: oauth1Header(oauth) } });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
  });

  it('refuses a wrong signature, a parameter changed after signing, and an unknown method', async () => {
    const url = new URL(sim.signedUrl('GET', `${products}?per_page=2`));
    const mismatch = authError('Invalid signature - provided signature does not match.');
    const wrong = new URL(url);
    wrong.searchParams.set('oauth_signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(await call(wrong.toString())).toMatchObject({ status: 401, body: mismatch });
    const tampered = new URL(url);
    tampered.searchParams.set('per_page', '3');
    expect((await call(tampered.toString())).body).toEqual(mismatch);
    const otherSecret = sim.signedUrl('GET', `${products}?per_page=2`, { key: { consumerKey: sim.consumerKey, consumerSecret: 'cs_wrong' } });
    expect((await call(otherSecret)).body).toEqual(mismatch);
    const plaintext = new URL(url);
    plaintext.searchParams.set('oauth_signature_method', 'PLAINTEXT');
    expect((await call(plaintext.toString())).body).toEqual(authError('Invalid signature - signature method is invalid.'));
  });

  it('refuses a timestamp outside ±15 minutes and a reused nonce', async () => {
    const now = Math.floor(clock.now() / 1000);
    const stale = await call(sim.signedUrl('GET', products, { timestamp: now - 15 * 60 - 1 }));
    expect(stale).toMatchObject({ status: 401, body: authError('Invalid timestamp.') });
    const future = await call(sim.signedUrl('GET', products, { timestamp: now + 15 * 60 + 1 }));
    expect(future.body).toEqual(authError('Invalid timestamp.'));
    expect((await call(sim.signedUrl('GET', products, { timestamp: now - 15 * 60 }))).status).toBe(200);
    const once = sim.signedUrl('GET', products, { nonce: 'only-once' });
    expect((await call(once)).status).toBe(200);
    const replay = await call(once);
    expect(replay).toMatchObject({ status: 401, body: authError('Invalid nonce - nonce has already been used.') });
    // Expired nonces are forgotten only when a later request succeeds (the check prunes after storing).
    clock.advance(16 * 60_000);
    expect((await call(sim.signedUrl('GET', products, { nonce: 'only-once' }))).body).toEqual(authError('Invalid nonce - nonce has already been used.'));
    expect((await call(sim.signedUrl('GET', products, { nonce: 'another' }))).status).toBe(200);
    expect((await call(sim.signedUrl('GET', products, { nonce: 'only-once' }))).status).toBe(200);
  });

  it('names missing OAuth parameters and rejects an unknown consumer key', async () => {
    const url = new URL(sim.signedUrl('GET', products));
    url.searchParams.delete('oauth_nonce');
    expect((await call(url.toString())).body).toEqual(authError('Missing OAuth parameter oauth_nonce', 'woocommerce_rest_authentication_missing_parameter'));
    const unknown = await call(sim.signedUrl('GET', products, { key: { consumerKey: 'ck_nobody', consumerSecret: 'cs_nobody' } }));
    expect(unknown.body).toEqual(authError('Consumer key is invalid.'));
    expect(unknown.headers.get('www-authenticate')).toBeNull();
  });

  it('ignores Basic and query-string keys over HTTP: the request is anonymous', async () => {
    const viaBasic = await call(products, { headers: basic(sim.consumerKey, sim.consumerSecret) });
    expect(viaBasic).toMatchObject({ status: 401, body: CANNOT_LIST });
    const viaQuery = await call(`${products}?consumer_key=${sim.consumerKey}&consumer_secret=${sim.consumerSecret}`);
    expect(viaQuery.body).toEqual(CANNOT_LIST);
    const single = await call(`${products}/${(await call(sim.signedUrl('GET', products))).body[0].id}`);
    expect(single.body).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot view this resource.', data: { status: 401 } });
    // Parameter validation runs before the capability check.
    expect((await call(`${products}?per_page=0`)).status).toBe(400);
  });

  it('checks the key permission before routing', async () => {
    const key = { consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly' };
    expect((await call(sim.signedUrl('GET', products, { key }))).status).toBe(200);
    const product = (await call(sim.signedUrl('GET', products, { key }))).body[0];
    const write = await call(sim.signedUrl('PUT', `${products}/${product.id}`, { key }), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ regular_price: '1.00' }),
    });
    expect(write.body).toEqual(authError('The API key provided does not have write permissions.'));
    expect((await call(sim.signedUrl('GET', `${products}/${product.id}`))).body.regular_price).toBe(product.regular_price);
  });

  it('signs form bodies but not JSON bodies', async () => {
    const product = (await call(sim.signedUrl('GET', products))).body.find((p: any) => p.type === 'simple');
    const url = `${products}/${product.id}`;
    const signed = signOAuth1({
      method: 'POST',
      url,
      params: [['regular_price', '12.34']],
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      timestamp: Math.floor(clock.now() / 1000),
      nonce: 'form-body',
    });
    const form = await call(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: oauth1Header(signed) },
      body: 'regular_price=12.34',
    });
    expect(form.status).toBe(200);
    expect(form.body.regular_price).toBe('12.34');
    const json = await call(sim.signedUrl('PUT', url), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"regular_price":"12.50"}' });
    expect(json.body.regular_price).toBe('12.50');
  });

  it('signs array parameters as PHP holds them (include[] numbered), so flat-pair signatures fail', async () => {
    const all = (await call(sim.signedUrl('GET', `${products}?per_page=3`))).body;
    const url = `${products}?include[]=${all[0].id}&include[]=${all[1].id}`;
    const php = await call(sim.signedUrl('GET', url));
    expect(php.status).toBe(200);
    expect(php.body).toHaveLength(2);
    const flat = signOAuth1({
      method: 'GET',
      url: products,
      params: [['include[]', String(all[0].id)], ['include[]', String(all[1].id)]],
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      timestamp: Math.floor(clock.now() / 1000),
      nonce: 'flat-pairs',
    });
    expect((await call(`${url}&${new URLSearchParams(flat).toString()}`)).body).toEqual(authError('Invalid signature - provided signature does not match.'));
  });

  it('can verify the base string the way class-wc-rest-authentication.php builds it', async () => {
    sim.state.settings.oauthEncoding = 'single';
    try {
      // signedUrl follows the setting; a value with reserved characters tells the two apart.
      const url = `${products}?modified_after=2024-01-01T00:00:00`;
      expect((await call(sim.signedUrl('GET', url))).status).toBe(200);
      const rfc = signOAuth1({ method: 'GET', url: products, params: [['modified_after', '2024-01-01T00:00:00']], consumerKey: sim.consumerKey, consumerSecret: sim.consumerSecret, timestamp: Math.floor(clock.now() / 1000), nonce: 'rfc-style' });
      const res = await call(`${url}&${new URLSearchParams(rfc).toString()}`);
      expect(res.body).toEqual(authError('Invalid signature - provided signature does not match.'));
    } finally {
      sim.state.settings.oauthEncoding = 'rfc5849';
    }
  });
});

describe('WooCommerce simulator authentication over HTTPS (assumeHttps)', () => {
  let sim: WooCommerceSimulator;
  let products: string;

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ seed: 4, sizes: { products: 3, orders: 2, customers: 2 }, assumeHttps: true });
    products = `${sim.apiUrl}/products`;
  });
  afterAll(() => sim.close());

  it('accepts Basic and query-string keys', async () => {
    expect((await call(products, { headers: basic(sim.consumerKey, sim.consumerSecret) })).status).toBe(200);
    expect((await call(`${products}?consumer_key=${sim.consumerKey}&consumer_secret=${sim.consumerSecret}`)).status).toBe(200);
  });

  it('answers a wrong secret with 401 and WWW-Authenticate; an unknown key is a permission error', async () => {
    const wrong = await call(products, { headers: basic(sim.consumerKey, 'cs_wrong') });
    expect(wrong).toMatchObject({ status: 401, body: authError('Consumer secret is invalid.') });
    expect(wrong.headers.get('www-authenticate')).toBe(
      'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."',
    );
    const unknown = await call(products, { headers: basic('ck_unknown', 'cs_unknown') });
    expect(unknown).toMatchObject({ status: 401, body: CANNOT_LIST });
    expect(unknown.headers.get('www-authenticate')).toBeNull();
    expect((await call(products)).body).toEqual(CANNOT_LIST);
  });

  it('checks query-string keys before the Authorization header', async () => {
    const res = await call(`${products}?consumer_key=${sim.consumerKey}&consumer_secret=cs_wrong`, { headers: basic(sim.consumerKey, sim.consumerSecret) });
    expect(res.body).toEqual(authError('Consumer secret is invalid.'));
  });

  it('does not try OAuth when the request is HTTPS', async () => {
    expect((await call(sim.signedUrl('GET', products))).body).toEqual(CANNOT_LIST);
  });
});
