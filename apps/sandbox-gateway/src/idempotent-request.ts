import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { stringify } from 'safe-stable-stringify';
import { GatewayApiError, invalidRequest } from './gateway-api.error';
import type { IdempotencyStore, StoredResponse } from './idempotency-store';

const MAX_KEY_LENGTH = 255;

/** The answer of an idempotent request; `replayed` when it is the stored first answer. */
export interface IdempotentResponse extends StoredResponse {
  replayed: boolean;
}

/** Two requests are "the same" when method, path and body match, key order aside. */
function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0];
  return createHash('sha256')
    .update(`${request.method} ${path}\n${stringify(request.body ?? null)}`)
    .digest('hex');
}

function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.trim() === '') {
    throw new GatewayApiError(
      400,
      'idempotency_key_missing',
      'This request needs an Idempotency-Key header',
    );
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw invalidRequest(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

/** How a mode of the sandbox answers idempotency conflicts, and whether a key is required. */
export interface IdempotencyPolicy {
  /** Without it, a request with no key is refused; with it, it runs unprotected (as at Stripe). */
  keyOptional?: boolean;
  /** The key was used with another request. */
  reused(): GatewayApiError;
  /** The key's first request is still running. */
  inProgress(): GatewayApiError;
}

/** The sandbox's own API: a key is required; 422 on reuse, 409 while in progress. */
export const SANDBOX_IDEMPOTENCY: IdempotencyPolicy = {
  reused: () =>
    new GatewayApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request',
    ),
  inProgress: () =>
    new GatewayApiError(
      409,
      'request_in_progress',
      'A request with this Idempotency-Key is still being processed',
      { 'retry-after': '1' },
    ),
};

/**
 * Runs `work` at most once per idempotency key. The key is held during the simulated latency and
 * the work, so an overlapping retry gets 409 `request_in_progress`; the answer of `work` (errors
 * other than 400 included) is stored and replayed for the same key and body.
 */
export async function runIdempotent(
  request: FastifyRequest,
  store: IdempotencyStore,
  latency: () => Promise<void>,
  work: () => Promise<StoredResponse>,
  policy: IdempotencyPolicy = SANDBOX_IDEMPOTENCY,
): Promise<IdempotentResponse> {
  if (policy.keyOptional === true && request.headers['idempotency-key'] === undefined) {
    await latency();
    return { ...(await work()), replayed: false };
  }
  let key: string;
  try {
    key = idempotencyKeyOf(request);
  } catch (error) {
    await latency();
    throw error;
  }
  const claim = store.claim(key, fingerprintOf(request));
  await latency();
  switch (claim.kind) {
    case 'replay':
      return { ...claim.response, replayed: true };
    case 'reused':
      throw policy.reused();
    case 'in_progress':
      throw policy.inProgress();
    case 'claimed':
      break;
    default: {
      const unknown: never = claim;
      throw new TypeError(`Unknown idempotency claim ${String(unknown)}`);
    }
  }
  try {
    const response = await work();
    store.complete(key, response);
    return { ...response, replayed: false };
  } catch (error) {
    // A rejected body changed nothing, so a corrected retry may reuse the key (as at Stripe);
    // business refusals are answers and are kept like any other.
    if (error instanceof GatewayApiError && error.status !== 400) {
      const response = { status: error.status, body: error.toBody() };
      store.complete(key, response);
      return { ...response, replayed: false };
    }
    store.release(key);
    throw error;
  }
}
