import { waitUntil } from '@ledger/testing';
import { startSandboxGateway } from '../sandbox-gateway.server';
import type { RunningSandboxGateway, SandboxGatewayOptions } from '../sandbox-gateway.types';
import { startWebhookCatcher, type WebhookCatcher } from './webhook-catcher';

export const TEST_API_KEY = 'sandbox-test-key';
/** Base64 of "sandbox-test-only-secret": a throwaway test value. */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('sandbox-test-only-secret').toString('base64')}`;

/** A JSON answer of the sandbox, read in full. */
export interface SandboxAnswer {
  status: number;
  headers: Headers;
  // Tests assert on the wire shape itself; a type per body would only restate the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A sandbox on a free port wired to a webhook catcher, plus a small client for it. */
export interface SandboxTestKit {
  gateway: RunningSandboxGateway;
  webhooks: WebhookCatcher;
  /** POST /v1/charges with the test key and the given idempotency key. */
  charge(body: unknown, idempotencyKey?: string, signal?: AbortSignal): Promise<SandboxAnswer>;
  /** Any call; `apiKey: null` leaves Authorization out. */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      idempotencyKey?: string;
      apiKey?: string | null;
      signal?: AbortSignal;
    },
  ): Promise<SandboxAnswer>;
  stop(): Promise<void>;
}

/** Starts a kit; webhook retries are fast so failure tests stay short. */
export async function startSandboxTestKit(
  options: Partial<SandboxGatewayOptions> = {},
  /** How the catcher's webhooks are signed (`stripe` for the Stripe mode's events). */
  webhookScheme: 'standard-webhooks' | 'stripe' = 'standard-webhooks',
): Promise<SandboxTestKit> {
  const webhooks = await startWebhookCatcher();
  const gateway = await startSandboxGateway({
    apiKey: TEST_API_KEY,
    webhook: { url: webhooks.url, secret: TEST_WEBHOOK_SECRET, scheme: webhookScheme },
    webhookRetry: { initialDelayMs: 10 },
    ...options,
  });
  const call: SandboxTestKit['call'] = async (method, path, callOptions = {}) => {
    const apiKey = callOptions.apiKey === undefined ? TEST_API_KEY : callOptions.apiKey;
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(apiKey !== null && { authorization: `Bearer ${apiKey}` }),
        ...(callOptions.idempotencyKey !== undefined && {
          'idempotency-key': callOptions.idempotencyKey,
        }),
        ...(callOptions.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
      signal: callOptions.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  };
  return {
    gateway,
    webhooks,
    call,
    charge: (body, idempotencyKey, signal) =>
      call('POST', '/v1/charges', { body, idempotencyKey, signal }),
    stop: async () => {
      await gateway.stop();
      await webhooks.close();
    },
  };
}

/** Polls `read` until it returns true; fails the test after a generous limit. */
export function eventually(read: () => boolean): Promise<void> {
  return waitUntil(read, { intervalMs: 10, what: 'the sandbox' });
}
