/** Misbehaviour the sandbox injects into `/v1/*` calls and webhook deliveries. */
export interface SandboxFaults {
  /** Simulated processing time of every `/v1` request that reaches a handler or a fault. */
  latencyMs: number;
  /** 0..1 chance of a 500 or 503 instead of handling. */
  serverErrorRate: number;
  /** 0..1 chance of a 429 with Retry-After instead of handling. */
  rateLimitRate: number;
  /** Retry-After (seconds) sent with 429 and 503. */
  retryAfterSeconds: number;
  /** 0..1 chance of never answering; the connection stays open until the client gives up. */
  hangRate: number;
  /** 0..1 chance the connection is dropped (reset) without an answer. */
  dropRate: number;
  /**
   * 0..1 chance that a random fault (hang, drop, 429, 5xx) strikes after the request was processed
   * (charged, refunded, webhook sent) instead of before: only the answer is lost or replaced.
   */
  afterProcessingRate: number;
  /** 0..1 chance a webhook is delivered twice, byte-identical, with the same webhook-id. */
  duplicateWebhookRate: number;
  /** 0..1 chance the webhook is delivered (and its first attempt awaited) before the response. */
  earlyWebhookRate: number;
  /** Delay before a webhook is delivered when it is not early. */
  webhookDelayMs: number;
}

/**
 * A forced answer for the next `/v1` request, used before any normal handling. Without
 * `afterProcessing` nothing is processed (no charge, no refund, no webhook); with it the request
 * is processed normally and only its answer is replaced: the "gateway charged but the client
 * never learnt it" case.
 */
export type ScriptedResponse =
  | {
      status: number;
      /** Retry-After header; defaults to `retryAfterSeconds` on 429/503, `null` omits it. */
      retryAfter?: string | null;
      /** Replaces the default `{ error: { code, message } }` body. */
      body?: unknown;
      afterProcessing?: boolean;
    }
  | { hang: true; afterProcessing?: boolean };

/** Counters a test reads to prove what a client really did. */
export interface SandboxStats {
  /** Every request to `/v1/*`, whatever its answer (401s and injected faults included). */
  requests: number;
  /** Charges created, succeeded and declined alike (Stripe-mode confirmations included). */
  chargesCreated: number;
  refundsCreated: number;
  /** `/v1` requests per idempotency key, retries and rejected attempts included. */
  requestsByIdempotencyKey: Record<string, number>;
  /** Distinct idempotency keys in first-seen order. */
  idempotencyKeysSeen: string[];
  /** Webhook deliveries acknowledged with a 2xx (duplicates count each). */
  webhooksSent: number;
  /** Webhook attempts that failed (non-2xx, network error or timeout). */
  webhookFailures: number;
  /** `/v1` requests whose client closed the connection before the answer was written. */
  abortedRequests: number;
}

export interface SandboxWebhookOptions {
  /** Full URL the signed webhooks are POSTed to, e.g. http://127.0.0.1:3000/webhooks/sandbox. */
  url: string;
  secret: string;
  /**
   * How deliveries are signed: Standard Webhooks (the default), or Stripe's `Stripe-Signature`
   * for an account the ledger uses as a Stripe account (its Stripe-mode events).
   */
  scheme?: 'standard-webhooks' | 'stripe';
}

export interface SandboxWebhookRetryOptions {
  /** Attempts per delivery, the first included (default 5). */
  attempts: number;
  /** Wait before the second attempt; doubles after each failure (default 200). */
  initialDelayMs: number;
  /** Per-attempt timeout (default 5000). */
  timeoutMs: number;
}

/**
 * One merchant account of the sandbox: its own API key, charges, refunds and idempotency keys,
 * and its own webhook endpoint (a ledger tenant's provider).
 */
export interface SandboxAccountOptions {
  /** The Bearer key that selects this account on `/v1` calls. */
  apiKey: string;
  /** Where this account's signed webhooks go; none are sent without it. */
  webhook?: SandboxWebhookOptions;
}

export interface SandboxGatewayOptions {
  /** 0 = any free port (the default). */
  port?: number;
  /** Default 127.0.0.1: the control routes are unauthenticated, so stay off other interfaces. */
  host?: string;
  /**
   * Where each account's charges are kept between runs (one file of JSON lines per account, named
   * by a hash of its API key); in memory only when absent. `ledger start` passes a folder of its
   * data directory.
   */
  bookDir?: string;
  /** Shorthand for one account: the Bearer key every `/v1` call must present. */
  apiKey?: string;
  /** Where the `apiKey` account's signed webhooks go; none are sent without it. */
  webhook?: SandboxWebhookOptions;
  /** Further accounts, each selected by its own API key; keys must differ. */
  accounts?: SandboxAccountOptions[];
  faults?: Partial<SandboxFaults>;
  webhookRetry?: Partial<SandboxWebhookRetryOptions>;
  /** Source of every fault and webhook-plan decision; inject it for deterministic tests. */
  random?: () => number;
  log?: (msg: string, fields?: object) => void;
}

export interface RunningSandboxGateway {
  /** Base URL, e.g. http://127.0.0.1:4020 (no trailing slash). */
  url: string;
  port: number;
  /** Closes the server, open connections included, and cancels pending webhooks. Idempotent. */
  stop(): Promise<void>;
  /** Merges into the current faults; throws a RangeError on an out-of-range value. */
  setFaults(faults: Partial<SandboxFaults>): void;
  /** Queues forced answers for the next `/v1` requests, after any already queued. */
  script(responses: ScriptedResponse[]): void;
  stats(): SandboxStats;
  /** Forgets charges, refunds, idempotency keys, stats and the script; faults return to the start. */
  reset(): void;
}
