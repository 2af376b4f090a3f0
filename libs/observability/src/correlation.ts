import { AsyncLocalStorage } from 'node:async_hooks';

interface CorrelationContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `work` with `correlationId` attached to every log line written inside it. */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

/** Attaches `correlationId` to the rest of the current asynchronous flow (a request's hooks). */
export function enterCorrelationId(correlationId: string): void {
  storage.enterWith({ correlationId });
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller-supplied correlation id, if it is safe to echo and log; otherwise undefined. */
export function acceptCorrelationId(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : undefined;
}
