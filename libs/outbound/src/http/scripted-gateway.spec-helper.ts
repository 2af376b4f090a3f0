/**
 * A real HTTP server standing in for the payment gateway in adapter specs: each request takes the
 * next scripted response (or, when the script is empty, behaves like a healthy gateway), and the
 * server remembers what it received, so a test can assert on the wire rather than on mocks.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * One scripted answer. `hang` never answers; `hold` answers once the promise resolves;
 * `stallBody` sends the status, the headers and the start of a body, then nothing more.
 */
export type ScriptedResponse =
  | {
      status: number;
      headers?: Record<string, string>;
      body?: unknown;
      hold?: Promise<void>;
      stallBody?: true;
    }
  | { hang: true };

/** A request as the server saw it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** performance.now() when the request arrived. */
  at: number;
}

/** Starts a scripted gateway on 127.0.0.1, on a free port. */
export async function startScriptedGateway(): Promise<ScriptedGateway> {
  const gateway = new ScriptedGateway();
  await gateway.listen();
  return gateway;
}

export class ScriptedGateway {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose connection the client closed before the server answered. */
  abortedRequests = 0;
  private readonly script: ScriptedResponse[] = [];
  /** Charges by idempotency key, as a real gateway dedupes them. */
  private readonly charges = new Map<string, Record<string, unknown>>();
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
        at: performance.now(),
      };
      this.requests.push(received);
      response.on('close', () => {
        if (!response.writableFinished) this.abortedRequests += 1;
      });
      void this.answer(received, response);
    });
  });

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Appends responses to the script, answered in order. */
  enqueue(...responses: ScriptedResponse[]): this {
    this.script.push(...responses);
    return this;
  }

  /** Distinct charges created (one per idempotency key, however many times it was sent). */
  chargesCreated(): number {
    return this.charges.size;
  }

  /** Resolves once `count` requests have arrived. */
  async waitForRequests(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Resolves once `count` requests have been aborted by the client. */
  async waitForAborted(count: number): Promise<void> {
    while (this.abortedRequests < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: ReceivedRequest, response: ServerResponse): Promise<void> {
    const scripted = this.script.shift() ?? { status: this.defaultStatus(request) };
    if ('hang' in scripted) return;
    if (scripted.hold !== undefined) await scripted.hold;
    const body = scripted.body ?? this.defaultBody(request, scripted.status);
    response.writeHead(scripted.status, {
      'content-type': 'application/json',
      'x-request-id': `req_${this.requests.indexOf(request) + 1}`,
      ...scripted.headers,
    });
    const text = body === undefined ? '' : JSON.stringify(body);
    if (scripted.stallBody === true) {
      response.write(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    response.end(text);
  }

  private defaultStatus(request: ReceivedRequest): number {
    return request.method === 'GET' ? 200 : 201;
  }

  /** What a healthy gateway would answer; a 201 charge is created once per idempotency key. */
  private defaultBody(request: ReceivedRequest, status: number): unknown {
    const input = (request.body ?? {}) as Record<string, unknown>;
    if (request.method === 'GET') {
      const paymentId = new URL(request.url, 'http://x').searchParams.get('paymentId');
      return {
        data: [...this.charges.values()]
          .filter((charge) => charge.paymentId === paymentId)
          .reverse(),
      };
    }
    if (status !== 201) return undefined;
    const refund = /^\/v1\/charges\/([^/]+)\/refunds$/.exec(request.url);
    if (refund) {
      return {
        id: `re_${String(input.refundId)}`,
        status: 'succeeded',
        amount: input.amount,
        chargeId: refund[1],
      };
    }
    const key = String(request.headers['idempotency-key']);
    const existing = this.charges.get(key);
    if (existing) return existing;
    const charge = {
      id: `ch_${this.charges.size + 1}`,
      status: 'succeeded',
      amount: input.amount,
      currency: input.currency,
      paymentId: input.paymentId,
      createdAt: new Date().toISOString(),
    };
    this.charges.set(key, charge);
    return charge;
  }
}
