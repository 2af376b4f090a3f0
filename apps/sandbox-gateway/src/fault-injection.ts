import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultControls } from './fault-controls';
import type { FaultDecision } from './faults';
import type { StoredResponse } from './idempotency-store';

/** Faults that wait for processing to finish before replacing the answer, per request. */
const pendingAfterProcessing = new WeakMap<FastifyRequest, FaultDecision>();

/**
 * Fault injection, as a preHandler of `/v1`: a scripted or random fault answers instead of the
 * handler (nothing is processed), or is kept to replace the answer once processing is done.
 */
export function injectFault(controls: FaultControls) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const { decision, afterProcessing } = controls.next();
    if (decision.kind === 'none') return undefined;
    if (afterProcessing) {
      pendingAfterProcessing.set(request, decision);
      return undefined;
    }
    // A failing gateway is rarely a fast one; the error takes the usual processing time.
    if (decision.kind === 'respond') await controls.latency();
    // Returning the reply tells Fastify the hook answered and the handler must not run.
    return applyFault(request, reply, decision);
  };
}

/** Sends a handler's answer, unless an after-processing fault replaces it. */
export function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  response: StoredResponse & { headers?: Record<string, string> },
): FastifyReply {
  const fault = pendingAfterProcessing.get(request);
  if (fault !== undefined && fault.kind !== 'none') {
    return applyFault(request, reply, fault);
  }
  return reply
    .code(response.status)
    .headers(response.headers ?? {})
    .send(response.body);
}

function applyFault(
  request: FastifyRequest,
  reply: FastifyReply,
  decision: Exclude<FaultDecision, { kind: 'none' }>,
): FastifyReply {
  switch (decision.kind) {
    case 'hang':
      // Fastify lets go of the request; the socket stays open until the client (or stop) closes it.
      request.log.debug('sandbox hangs this request');
      reply.hijack();
      return reply;
    case 'drop':
      // A connection reset mid-request, as a crashing gateway or a middlebox gives.
      request.log.debug('sandbox drops this connection');
      reply.hijack();
      request.raw.socket.resetAndDestroy();
      return reply;
    case 'respond':
      if (decision.retryAfter !== null) reply.header('retry-after', decision.retryAfter);
      return reply.code(decision.status).send(decision.body);
    default: {
      const unknown: never = decision;
      throw new TypeError(`Unknown fault ${String(unknown)}`);
    }
  }
}
