import { DEFAULT_WAIT_MS } from '@ledger/testing';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook as the catcher received it. */
export interface CaughtWebhook {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** Parsed body, for convenience. */
  body: { id: string; type: string; created: number; data: Record<string, unknown> };
}

/** A tiny webhook receiver for tests: records every delivery and answers as told. */
export interface WebhookCatcher {
  url: string;
  readonly deliveries: readonly CaughtWebhook[];
  /** Statuses for the next deliveries, in order; 200 afterwards. */
  respondWith(statuses: number[]): void;
  /** Resolves once `count` deliveries arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<CaughtWebhook[]>;
  close(): Promise<void>;
}

/** Starts a webhook catcher on a free loopback port. */
export async function startWebhookCatcher(path = '/webhooks/sandbox'): Promise<WebhookCatcher> {
  const deliveries: CaughtWebhook[] = [];
  const statuses: number[] = [];
  const waiters = new Set<() => void>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      deliveries.push({
        rawBody,
        headers: request.headers,
        body: JSON.parse(rawBody.toString('utf8')) as CaughtWebhook['body'],
      });
      response.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
      response.end('{"received":true}');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${path}`,
    deliveries,
    respondWith: (next) => void statuses.push(...next),
    waitFor: (count, timeoutMs = DEFAULT_WAIT_MS) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (deliveries.length < count) return;
          cleanup();
          resolve([...deliveries]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Expected ${count} webhooks, got ${deliveries.length}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
