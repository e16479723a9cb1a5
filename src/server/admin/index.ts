/** Every admin route group, registered on the admin app behind its token check. */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { Services } from '../services.js';
import { registerApiKeyRoutes } from './api-keys.js';
import { registerAuditRoutes } from './audit.js';
import { registerConnectionRoutes } from './connections.js';
import { registerConsumerRoutes } from './consumers.js';
import { createAdminContext } from './context.js';
import { registerSystemRoutes, type SystemEnvironment } from './system.js';

export function registerAdminRoutes(app: FastifyInstance, env: SystemEnvironment & { services: Services; runtime(): Runtime }): void {
  registerSystemRoutes(app, env);
  const ctx = createAdminContext(env.services, env.runtime);
  registerConsumerRoutes(app, ctx);
  registerApiKeyRoutes(app, ctx);
  registerConnectionRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
}
