import type { FastifyInstance } from 'fastify';
import { invalidRequest } from './gateway-api.error';

/** The controls `/_control/*` exposes; the same ones tests call in-process. */
export interface SandboxControlTarget {
  setFaults(changes: unknown): object;
  script(responses: unknown): number;
  reset(): void;
  stats(): object;
}

/**
 * Unauthenticated controls for manual and end-to-end runs; the sandbox listens on loopback by
 * default, so only this machine can reach them.
 */
export function registerControlRoutes(app: FastifyInstance, target: SandboxControlTarget): void {
  app.post('/_control/faults', (request, reply) =>
    reply.send({ faults: rethrowAsInvalid(() => target.setFaults(request.body ?? {})) }),
  );

  app.post('/_control/script', (request, reply) => {
    const body = request.body as { responses?: unknown } | undefined;
    return reply.send({ queued: rethrowAsInvalid(() => target.script(body?.responses)) });
  });

  app.post('/_control/reset', (_request, reply) => {
    target.reset();
    return reply.send({ reset: true });
  });

  app.get('/_control/stats', (_request, reply) => reply.send(target.stats()));
}

/** Control inputs are validated with RangeErrors; on the wire they are 400s. */
function rethrowAsInvalid<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError) throw invalidRequest(error.message);
    throw error;
  }
}
