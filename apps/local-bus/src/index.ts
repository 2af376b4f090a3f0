/**
 * The local EventBridge-compatible bus (Fastify), for the local stack and tests. Kept out of
 * `@ledger/bus` so the stream processor's Lambda never loads Fastify.
 */
export * from './local-bus.types';
export * from './local-bus.server';
