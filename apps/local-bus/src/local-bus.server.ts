import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { LedgerError } from '@ledger/errors';
import {
  parseEventPattern,
  type BusEnvelope,
  type BusRule,
  type CompiledPattern,
} from '@ledger/bus';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { BusTarget, FailureRule, LocalBusStats } from './local-bus.types';
import { targetDelivery, type DeliveryEnd } from './target-delivery';

export interface LocalBusOptions {
  port?: number;
  host?: string;
  rules: BusRule[];
  targets?: BusTarget[];
  account?: string;
  region?: string;
  /**
   * A failing target's retry policy, as an EventBridge rule's `RetryPolicy`: at most this many
   * attempts per event and target (default 185, EventBridge's and template.yaml's)...
   */
  deliveryAttempts?: number;
  /** ...and no new attempt once the event is older than this (default 24 h, likewise). */
  maxEventAgeMs?: number;
  /** Backoff between attempts: doubles from `initialMs` (100) up to `maxMs` (5,000). */
  retryDelay?: { initialMs: number; maxMs: number };
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningLocalBus {
  url: string;
  /** The address it is bound to (127.0.0.1 unless `host` said otherwise). */
  address: string;
  port: number;
  failEntries(rule: FailureRule): void;
  reset(): void;
  stats(): LocalBusStats;
  /** Resolves once every delivery queued so far has been attempted. */
  drain(): Promise<void>;
  /**
   * Hands `envelope` to one rule's targets only (a replay aimed at one subscriber), through the
   * same ordered queues as routed events. Resolves once delivered; rejects when the rule is
   * unknown or has no running target, when its pattern does not select the event, or when a
   * target still fails after the retries.
   */
  deliverTo(ruleName: string, envelope: BusEnvelope): Promise<void>;
  stop(): Promise<void>;
}

/** PutEvents: at most 10 entries and 256 KB per call (EventBridge's limits). */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const JSON_1_1 = 'application/x-amz-json-1.1';

/** An answer of the local bus other than success; `code` is the AWS exception name it sends. */
class BusError extends LedgerError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** How a client on this machine reaches a server bound to `address`. */
function reachable(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * An event's `time`, as EventBridge writes it (seconds, UTC): the entry's `Time` when it has one.
 * The AWS SDK sends `Time` as epoch seconds (a number, maybe fractional); a string is kept as sent.
 */
export function entryTime(time: unknown, now: Date): string {
  if (typeof time === 'string') return time;
  const at = typeof time === 'number' && Number.isFinite(time) ? new Date(time * 1000) : now;
  return (Number.isNaN(at.getTime()) ? now : at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A local EventBridge-compatible bus: PutEvents and TestEventPattern over the AWS JSON 1.1
 * protocol, so the SDK's EventBridgeClient works against it unchanged. Events are routed by the
 * rules of template.yaml to in-process targets, one ordered queue per target, a failing target
 * retried with backoff as EventBridge's retry policy does.
 * It can be told to refuse chosen entries, and streams what it accepts to `GET /_tail`.
 */
export async function startLocalBus(options: LocalBusOptions): Promise<RunningLocalBus> {
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const attempts = options.deliveryAttempts ?? 185;
  const maxEventAgeMs = options.maxEventAgeMs ?? 24 * 3600_000;
  const retryDelay = options.retryDelay ?? { initialMs: 100, maxMs: 5_000 };
  // Stopping the bus ends the retries still waiting, so a stop never waits out a backoff.
  const stopping = new AbortController();
  const log = options.log ?? (() => undefined);
  const compiled = options.rules.map((rule) => ({
    rule,
    pattern: parseEventPattern(rule.pattern),
  }));
  const targets = new Map((options.targets ?? []).map((t) => [t.name, t]));
  const queues = new Map<string, Promise<unknown>>();
  const failures: FailureRule[] = [];
  const tails = new Set<{ pattern?: CompiledPattern; reply: FastifyReply }>();
  let stats = emptyStats();
  const deliverOnce = targetDelivery({
    attempts,
    maxEventAgeMs,
    retryDelay,
    stopping: stopping.signal,
    onDelivered: (target) => {
      stats.deliveries[target.name] = (stats.deliveries[target.name] ?? 0) + 1;
    },
    onFailedAttempt: (target) => {
      stats.deliveryFailures[target.name] = (stats.deliveryFailures[target.name] ?? 0) + 1;
    },
    log,
  });

  /**
   * Queues `event` for `target`; resolves once it was handled (`delivered`), given up after the
   * retry policy (`dropped`), or cut short because the bus is stopping (`stopped`).
   */
  const deliver = (target: BusTarget, event: BusEnvelope): Promise<DeliveryEnd> => {
    const previous = queues.get(target.name) ?? Promise.resolve();
    const acceptedAt = Date.now();
    const next = previous.then(() => deliverOnce(target, event, acceptedAt));
    queues.set(target.name, next);
    return next;
  };

  const deliverTo = async (ruleName: string, envelope: BusEnvelope): Promise<void> => {
    const found = compiled.find(({ rule }) => rule.name === ruleName);
    if (found === undefined) {
      throw new BusError('ResourceNotFoundException', `Rule ${ruleName} does not exist`, 404);
    }
    // A replay must not hand a subscriber what its rule would never have selected.
    if (!found.pattern.matches(envelope)) {
      throw new BusError(
        'ValidationException',
        `Rule ${ruleName}'s pattern does not select this ${envelope['detail-type']} event`,
      );
    }
    const running = found.rule.targets
      .map((name) => targets.get(name))
      .filter((target): target is BusTarget => target !== undefined);
    if (running.length === 0) {
      throw new BusError(
        'ResourceNotFoundException',
        `Rule ${ruleName} has no target running on this bus`,
        404,
      );
    }
    const delivered = await Promise.all(running.map((target) => deliver(target, envelope)));
    if (delivered.some((end) => end !== 'delivered')) {
      throw new BusError(
        'TargetDeliveryFailed',
        `A target of rule ${ruleName} failed event ${envelope.id} after ${attempts} attempts`,
        502,
      );
    }
  };

  const shouldFail = (detailType: string, detail: Record<string, unknown>): boolean => {
    const rule = failures.find(
      (f) =>
        f.count !== 0 &&
        (f.detailType === undefined || f.detailType === detailType) &&
        (f.eventId === undefined || f.eventId === detail.eventId),
    );
    if (rule === undefined) return false;
    if (rule.count > 0) rule.count -= 1;
    return true;
  };

  /**
   * Unlike EventBridge, which stores an accepted event durably before delivering it, this bus lives
   * in the ledger's own process: it answers PutEvents only once the targets had the events (after
   * their retries), so a crash or a stop never loses an event the publisher already counts as sent
   * (it is sent again instead).
   */
  const putEvents = async (body: Record<string, unknown>) => {
    const deliveries: Promise<DeliveryEnd>[] = [];
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new BusError('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
    }
    stats.putEventsCalls += 1;
    const results = entries.map((raw: Record<string, unknown>) => {
      stats.entriesReceived += 1;
      const detail = parseDetail(raw.Detail);
      if (
        typeof raw.Source !== 'string' ||
        typeof raw.DetailType !== 'string' ||
        detail === undefined
      ) {
        stats.entriesFailed += 1;
        return {
          ErrorCode: 'MalformedDetail',
          ErrorMessage: 'Source, DetailType and a JSON object Detail are required',
        };
      }
      if (shouldFail(raw.DetailType, detail)) {
        stats.entriesFailed += 1;
        return {
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'Refused on request (local bus failure injection)',
        };
      }
      const envelope: BusEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': raw.DetailType,
        source: raw.Source,
        account,
        time: entryTime(raw.Time, new Date()),
        region,
        resources: Array.isArray(raw.Resources) ? (raw.Resources as string[]) : [],
        detail,
      };
      const bus = typeof raw.EventBusName === 'string' ? raw.EventBusName : 'default';
      for (const { rule, pattern } of compiled) {
        if (rule.eventBusName !== bus || !pattern.matches(envelope)) continue;
        for (const name of rule.targets) {
          const target = targets.get(name);
          if (target !== undefined) deliveries.push(deliver(target, envelope));
        }
      }
      for (const tail of tails) {
        if (tail.pattern === undefined || tail.pattern.matches(envelope)) {
          tail.reply.raw.write(`data: ${JSON.stringify(envelope)}\n\n`);
        }
      }
      return { EventId: envelope.id };
    });
    // Stopped before its targets had it: the publisher must send it again (to the next bus).
    if ((await Promise.all(deliveries)).includes('stopped')) {
      throw new BusError('ServiceUnavailable', 'The bus stopped before delivering the events', 503);
    }
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const testEventPattern = (body: Record<string, unknown>) => {
    if (typeof body.EventPattern !== 'string' || typeof body.Event !== 'string') {
      throw new BusError('ValidationException', 'EventPattern and Event are required strings');
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(body.Event) as Record<string, unknown>;
    } catch {
      throw new BusError('InvalidEventPatternException', 'Event is not valid JSON');
    }
    // EventBridge checks the test event carries the envelope fields it always has.
    for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
      if (!(field in event)) {
        throw new BusError(
          'InvalidEventPatternException',
          `Event is missing the required field "${field}"`,
        );
      }
    }
    try {
      return { Result: parseEventPattern(body.EventPattern).matches(event) };
    } catch (error) {
      throw new BusError('InvalidEventPatternException', (error as Error).message);
    }
  };

  const app: FastifyInstance = Fastify({ bodyLimit: MAX_REQUEST_BYTES + 64 * 1024 });
  app.addContentTypeParser(JSON_1_1, { parseAs: 'string' }, (_request, body, done) => {
    if (Buffer.byteLength(body) > MAX_REQUEST_BYTES) {
      done(new BusError('ValidationException', 'The request is larger than 256 KB'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new BusError('SerializationException', 'The body is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((error, _request, reply) => {
    const busError =
      error instanceof BusError
        ? error
        : new BusError(
            'InternalException',
            error instanceof Error ? error.message : String(error),
            500,
          );
    void reply
      .status(busError.status)
      .header('content-type', JSON_1_1)
      .send({ __type: busError.code, message: busError.message });
  });
  app.post('/', async (request, reply) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const result =
      target === 'AWSEvents.PutEvents'
        ? await putEvents(body)
        : target === 'AWSEvents.TestEventPattern'
          ? testEventPattern(body)
          : undefined;
    if (result === undefined)
      throw new BusError('UnknownOperationException', `Unsupported operation ${target}`);
    return reply.header('content-type', JSON_1_1).send(result);
  });
  // Controls for tests and operators of the local stack; the SDK never calls these.
  app.post('/_control/fail', (request, reply) => {
    failures.push({ count: 1, ...(request.body as Partial<FailureRule>) });
    void reply.send({ ok: true });
  });
  app.post('/_control/reset', (_request, reply) => {
    failures.length = 0;
    stats = emptyStats();
    void reply.send({ ok: true });
  });
  app.get('/_control/stats', (_request, reply) => void reply.send(stats));
  // Replays aimed at one subscriber: `{ rule, event }`, answered once the targets handled it.
  app.post('/_control/deliver', async (request, reply) => {
    const body = (request.body ?? {}) as { rule?: unknown; event?: unknown };
    const envelope = asEnvelope(body.event);
    if (typeof body.rule !== 'string' || envelope === undefined) {
      throw new BusError(
        'ValidationException',
        'The body must be { rule, event } with an EventBridge-shaped event',
      );
    }
    await deliverTo(body.rule, envelope);
    return reply.send({ delivered: true });
  });
  app.get('/_tail', (request, reply) => {
    const raw = (request.query as { pattern?: string }).pattern;
    const pattern = raw === undefined || raw === '' ? undefined : parseEventPattern(raw);
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    reply.raw.write(': tailing\n\n');
    const tail = { pattern, reply };
    tails.add(tail);
    request.raw.on('close', () => tails.delete(tail));
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const { address, port } = app.server.address() as AddressInfo;
  return {
    url: `http://${reachable(address)}:${port}`,
    address,
    port,
    failEntries: (rule) => failures.push({ ...rule }),
    reset: () => {
      failures.length = 0;
      stats = emptyStats();
    },
    stats: () => structuredClone(stats),
    drain: async () => {
      await Promise.all([...queues.values()]);
    },
    deliverTo,
    stop: async () => {
      stopping.abort();
      for (const tail of tails) tail.reply.raw.end();
      tails.clear();
      await app.close();
    },
  };
}

function parseDetail(detail: unknown): Record<string, unknown> | undefined {
  if (typeof detail !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function asEnvelope(value: unknown): BusEnvelope | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const event = value as Record<string, unknown>;
  const strings = ['id', 'detail-type', 'source', 'account', 'time', 'region'];
  const valid =
    event.version === '0' &&
    strings.every((field) => typeof event[field] === 'string') &&
    Array.isArray(event.resources) &&
    event.detail !== null &&
    typeof event.detail === 'object' &&
    !Array.isArray(event.detail);
  return valid ? (event as unknown as BusEnvelope) : undefined;
}

function emptyStats(): LocalBusStats {
  return {
    putEventsCalls: 0,
    entriesReceived: 0,
    entriesFailed: 0,
    deliveries: {},
    deliveryFailures: {},
  };
}
