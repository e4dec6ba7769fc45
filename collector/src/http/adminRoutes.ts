import type { FastifyInstance } from 'fastify';
import { REST } from '@model';
import { purgeConfigured } from '../store/retention';
import { AuthError, authenticate, type Principal } from './auth';
import type { AppDeps } from './appDeps';

/** Operator endpoints (admin token only). */
export function registerAdminRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  app.post(REST.purge, async (req) => {
    if (authenticate(tokens, req).kind !== 'admin') {
      throw new AuthError(403, 'running the retention purge needs an admin token');
    }
    return purgeConfigured(deps.store, deps.config);
  });
}
