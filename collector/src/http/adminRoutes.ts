import type { FastifyInstance } from 'fastify';
import { REST } from '@model';
import { purgeConfigured } from '../store/retention';
import { forbidden } from '../errors';
import { authenticate, type Principal } from './auth';
import type { AppDeps } from './appDeps';

/** Operator endpoints (admin token only). */
export function registerAdminRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  app.post(REST.purge, async (req) => {
    if (authenticate(tokens, req).kind !== 'admin') {
      throw forbidden('running the retention purge needs an admin token', 'Authorization');
    }
    return purgeConfigured(deps.store, deps.config);
  });
}
