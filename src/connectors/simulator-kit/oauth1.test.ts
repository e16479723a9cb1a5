import { describe, expect, it } from 'vitest';
import { oauth1BaseString, oauth1Header, oauth1Signature, parseOAuth1Header, rfc3986, signOAuth1 } from './oauth1.js';

// The worked example of Twitter's "Creating a signature" guide (RFC 5849 with a token).
const TWITTER = {
  method: 'POST',
  url: 'https://api.twitter.com/1.1/statuses/update.json',
  params: [
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['include_entities', 'true'],
  ] as Array<[string, string]>,
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  timestamp: 1318622958,
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  version: true,
};

describe('OAuth 1.0a signing', () => {
  it('encodes as RFC 3986 asks', () => {
    expect(rfc3986("a b!*'()~-._/:")).toBe('a%20b%21%2A%27%28%29~-._%2F%3A');
  });

  it('reproduces the published example signature', () => {
    expect(signOAuth1(TWITTER).oauth_signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('builds the base string from sorted, encoded pairs, encoded again', () => {
    const base = oauth1BaseString('get', 'http://h/p', [['b', '2'], ['a', 'x:y'], ['a', 'w']]);
    expect(base).toBe('GET&http%3A%2F%2Fh%2Fp&a%3Dw%26a%3Dx%253Ay%26b%3D2');
    // Single encoding differs only where values hold reserved characters.
    expect(oauth1BaseString('GET', 'http://h/p', [['a', 'x:y'], ['b', '2']], 'single')).toBe('GET&http%3A%2F%2Fh%2Fp&a%3Dx%3Ay%26b%3D2');
  });

  it('signs with HMAC-SHA256 too, with an empty token secret by default', () => {
    const sha1 = oauth1Signature('GET&x&y', 'secret');
    const sha256 = oauth1Signature('GET&x&y', 'secret', '', 'HMAC-SHA256');
    expect(Buffer.from(sha1, 'base64')).toHaveLength(20);
    expect(Buffer.from(sha256, 'base64')).toHaveLength(32);
  });

  it('round-trips the Authorization header', () => {
    const oauth = signOAuth1(TWITTER);
    expect(parseOAuth1Header(oauth1Header(oauth))).toEqual(oauth);
    expect(parseOAuth1Header('Basic abc')).toEqual({});
    expect(parseOAuth1Header('OAuth realm="x", oauth_nonce="a%20b", oauth_timestamp=12')).toEqual({ oauth_nonce: 'a b', oauth_timestamp: '12' });
  });
});
