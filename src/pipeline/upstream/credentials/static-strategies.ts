/**
 * The strategies that send a stored secret as it is: a header (with a template such as
 * `Bearer {token}`), a query parameter, HTTP Basic (RFC 7617) or a bearer token (RFC 6750).
 * Whatever the client sent under the same name is removed first, so a client can neither
 * smuggle nor override a backend credential.
 */
import { Type } from '@sinclair/typebox';
import {
  appendQueryParam,
  removeHeader,
  removeQueryParam,
  renderTemplate,
  templateFields,
  withCredentials,
  type CredentialStrategy,
} from './strategy.js';

export const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';

export const headerStrategy: CredentialStrategy = {
  name: 'header',
  settingsSchema: Type.Object(
    {
      name: Type.String({ pattern: HEADER_NAME, description: 'Header to set, e.g. X-Api-Key or Authorization.' }),
      template: Type.String({ default: '{api_key}', description: 'Value with {field} placeholders from the credential set, e.g. "Bearer {token}".' }),
    },
    { additionalProperties: false },
  ),
  credentialFields: (settings) => templateFields(String(settings.template ?? '{api_key}')),
  inject(request, env) {
    const name = String(env.settings.name).toLowerCase();
    removeHeader(request.headers, name);
    return withCredentials(env, (credentials) => {
      request.headers[name] = renderTemplate(String(env.settings.template ?? '{api_key}'), credentials);
    });
  },
};

export const queryStrategy: CredentialStrategy = {
  name: 'query',
  settingsSchema: Type.Object(
    {
      name: Type.String({ minLength: 1, description: 'Query parameter to set, e.g. api_key.' }),
      template: Type.String({ default: '{api_key}', description: 'Value with {field} placeholders from the credential set.' }),
    },
    { additionalProperties: false },
  ),
  credentialFields: (settings) => templateFields(String(settings.template ?? '{api_key}')),
  inject(request, env) {
    const name = String(env.settings.name);
    return withCredentials(env, (credentials) => {
      const value = renderTemplate(String(env.settings.template ?? '{api_key}'), credentials);
      request.query = appendQueryParam(removeQueryParam(request.query, name), name, value);
    });
  },
};

export const basicStrategy: CredentialStrategy = {
  name: 'basic',
  settingsSchema: Type.Object({}, { additionalProperties: false }),
  credentialFields: () => ['username', 'password'],
  inject(request, env) {
    return withCredentials(env, ({ username = '', password = '' }) => {
      removeHeader(request.headers, 'authorization');
      request.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    });
  },
};

export const bearerStrategy: CredentialStrategy = {
  name: 'bearer',
  settingsSchema: Type.Object({}, { additionalProperties: false }),
  credentialFields: () => ['token'],
  inject(request, env) {
    return withCredentials(env, ({ token = '' }) => {
      removeHeader(request.headers, 'authorization');
      request.headers.authorization = `Bearer ${token}`;
    });
  },
};
