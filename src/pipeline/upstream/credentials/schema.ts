/** Config of credential injection on an upstream (upstreams.<name>.credentials). */
import { Type } from '@sinclair/typebox';

export const CredentialsSchema = Type.Object(
  {
    connection: Type.String({
      default: 'per-consumer',
      pattern: '^(per-consumer|[A-Za-z0-9_.:-]+)$',
      description:
        'Which connection supplies the credentials: `per-consumer` (the caller\'s own connection to this upstream; `X-Unigate-Connection` picks one when there are several) or a fixed connection id shared by every caller.',
    }),
    read_body: Type.Boolean({
      default: false,
      description:
        'Read each request body whole (up to the route\'s max_body_bytes) before forwarding, so a signing strategy can hash it (hmac `{body_sha256}`).',
    }),
  },
  { additionalProperties: false, description: 'Inject a backend credential from the vault into every attempt to this upstream.' },
);
