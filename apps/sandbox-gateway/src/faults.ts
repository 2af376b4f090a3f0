import type { SandboxFaults, ScriptedResponse } from './sandbox-gateway.types';

/** A well-behaved gateway, apart from the small delay real webhooks have. */
export const DEFAULT_FAULTS: Readonly<SandboxFaults> = {
  latencyMs: 0,
  serverErrorRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  hangRate: 0,
  dropRate: 0,
  afterProcessingRate: 0,
  duplicateWebhookRate: 0,
  earlyWebhookRate: 0,
  webhookDelayMs: 20,
};

const RATES = [
  'serverErrorRate',
  'rateLimitRate',
  'hangRate',
  'dropRate',
  'afterProcessingRate',
  'duplicateWebhookRate',
  'earlyWebhookRate',
] as const;
const DURATIONS = ['latencyMs', 'retryAfterSeconds', 'webhookDelayMs'] as const;
const FAULT_NAMES: readonly string[] = [...RATES, ...DURATIONS];

/** `base` with `changes` applied; throws a RangeError naming the first invalid or unknown field. */
export function mergeFaults(base: Readonly<SandboxFaults>, changes: unknown): SandboxFaults {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new RangeError('faults must be an object');
  }
  const entries = Object.entries(changes as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (!FAULT_NAMES.includes(name)) throw new RangeError(`unknown fault ${name}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative number`);
    }
    if ((RATES as readonly string[]).includes(name) && value > 1) {
      throw new RangeError(`${name} is a probability between 0 and 1`);
    }
  }
  return { ...base, ...(Object.fromEntries(entries) as Partial<SandboxFaults>) };
}

/** What fault injection does with one `/v1` request. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'respond'; status: number; retryAfter: string | null; body: unknown };

/** Draws from `random` only for rates above 0, so a deterministic test controls every draw. */
const happens = (rate: number, random: () => number): boolean => rate > 0 && random() < rate;

/** The injected fault, if any, for one request: hang first, then a drop, 429, then 500/503. */
export function decideFault(faults: Readonly<SandboxFaults>, random: () => number): FaultDecision {
  const retryAfter = String(faults.retryAfterSeconds);
  if (happens(faults.hangRate, random)) return { kind: 'hang' };
  if (happens(faults.dropRate, random)) return { kind: 'drop' };
  if (happens(faults.rateLimitRate, random)) {
    return { kind: 'respond', status: 429, retryAfter, body: errorBody(429) };
  }
  if (happens(faults.serverErrorRate, random)) {
    // Both flavours of "try again later" are common; clients must treat them alike.
    const status = random() < 0.5 ? 500 : 503;
    return {
      kind: 'respond',
      status,
      retryAfter: status === 503 ? retryAfter : null,
      body: errorBody(status),
    };
  }
  return { kind: 'none' };
}

/** Whether a random fault strikes after processing; draws only when there is a fault. */
export function strikesAfterProcessing(
  faults: Readonly<SandboxFaults>,
  decision: FaultDecision,
  random: () => number,
): boolean {
  return decision.kind !== 'none' && happens(faults.afterProcessingRate, random);
}

/** The fault decision a scripted answer stands for. */
export function scriptedDecision(
  scripted: ScriptedResponse,
  faults: Readonly<SandboxFaults>,
): Exclude<FaultDecision, { kind: 'none' }> {
  if ('hang' in scripted) return { kind: 'hang' };
  const { status } = scripted;
  const retryAfter =
    scripted.retryAfter !== undefined
      ? scripted.retryAfter
      : status === 429 || status === 503
        ? String(faults.retryAfterSeconds)
        : null;
  return {
    kind: 'respond',
    status,
    retryAfter,
    body: scripted.body !== undefined ? scripted.body : errorBody(status),
  };
}

/** How one outcome's webhook is delivered. */
export interface WebhookPlan {
  early: boolean;
  duplicate: boolean;
  delayMs: number;
}

/** The delivery plan for one webhook. */
export function planWebhook(faults: Readonly<SandboxFaults>, random: () => number): WebhookPlan {
  return {
    early: happens(faults.earlyWebhookRate, random),
    duplicate: happens(faults.duplicateWebhookRate, random),
    delayMs: faults.webhookDelayMs,
  };
}

/** Validates scripted answers from an untrusted source (the control route). */
export function parseScriptedResponses(value: unknown): ScriptedResponse[] {
  if (!Array.isArray(value)) throw new RangeError('responses must be an array');
  return value.map((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new RangeError(`responses[${index}] must be an object`);
    }
    const entry = item as Record<string, unknown>;
    const afterProcessing = entry.afterProcessing;
    if (afterProcessing !== undefined && typeof afterProcessing !== 'boolean') {
      throw new RangeError(`responses[${index}].afterProcessing must be a boolean`);
    }
    const flags = afterProcessing === undefined ? {} : { afterProcessing };
    if (entry.hang === true) return { hang: true, ...flags };
    const { status, retryAfter, body } = entry;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`responses[${index}] needs hang: true or an error status 400..599`);
    }
    if (retryAfter !== undefined && retryAfter !== null && typeof retryAfter !== 'string') {
      throw new RangeError(`responses[${index}].retryAfter must be a string or null`);
    }
    return {
      status,
      ...(retryAfter !== undefined && { retryAfter }),
      ...(body !== undefined && { body }),
      ...flags,
    };
  });
}

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** The gateway's generic error body for a status, as its injected faults send it. */
export function errorBody(status: number): { error: { code: string; message: string } } {
  const code = CODES[status] ?? `http_${status}`;
  return { error: { code, message: `Sandbox gateway injected a ${status} (${code})` } };
}
