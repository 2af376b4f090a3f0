import type { Socket } from 'node:net';
import { NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newUlid } from '@ledger/event-store';
import { LedgerError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import { MethodNotAllowedError } from './http.errors';
import { PROBLEM_CONTENT_TYPE, problem, toProblem, type ProblemDetails } from './problem-details';
import type { RouteTable } from './route-table';

export const CORRELATION_HEADER = 'x-correlation-id';

/** Answers to errors of the connection itself, by Node's error code (status, code, detail). */
const CONNECTION_PROBLEMS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers_too_large',
    'The request headers are larger than the server accepts',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time'],
  default: [400, 'malformed_request', 'The request is not valid HTTP'],
};

/** The codes answered on the connection (docs/api.md lists them; a unit spec checks). */
export const CONNECTION_PROBLEM_CODES: readonly string[] = Object.values(CONNECTION_PROBLEMS).map(
  ([, code]) => code,
);

/**
 * Writes every error answer of the API: problem+json with the request's correlation id (header
 * and body), `Retry-After` on 503, and the headers a LedgerError asks for (`Allow` on 405); by
 * the root's `code`, `status` and members only, never by an error's class. The exception filter, Fastify's router errors
 * and errors of the HTTP connection itself all answer through it.
 */
export class ProblemResponder {
  constructor(
    private readonly logger: Logger,
    private readonly routes: RouteTable,
  ) {}

  /** Answers `exception` for a request Fastify has read. */
  send(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const error = this.methodNotAllowed(exception, request) ?? exception;
    const document = toProblem(error);
    if (document.status >= 500) {
      this.logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    }
    if (document.status === 503) {
      const retryAfter = error instanceof LedgerError ? error.retryAfterSeconds : undefined;
      void reply.header('retry-after', String(retryAfter ?? 1));
    }
    if (error instanceof LedgerError) void reply.headers(error.responseHeaders());
    void reply
      .status(document.status)
      .header(CORRELATION_HEADER, request.id)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send({ ...document, correlationId: request.id } satisfies ProblemDetails);
  }

  /**
   * Answers an HTTP error found before a request exists (headers too large, a malformed request
   * line, a request that took too long), straight on the socket, then closes it.
   */
  sendOnSocket(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, detail] =
      CONNECTION_PROBLEMS[error.code ?? ''] ?? CONNECTION_PROBLEMS.default;
    const correlationId = newUlid();
    const body = JSON.stringify({ ...problem(status, code, detail), correlationId });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${problem(status, code, detail).title}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `${CORRELATION_HEADER}: ${correlationId}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  }

  /** A 404 of the router for a path that exists under other methods is a 405. */
  private methodNotAllowed(
    exception: unknown,
    request: FastifyRequest,
  ): MethodNotAllowedError | undefined {
    if (!(exception instanceof NotFoundException)) return undefined;
    const path = safeDecode(request.url.split('?')[0]);
    if (path === undefined) return undefined;
    const allow = this.routes.methodsFor(path);
    if (allow.length === 0 || allow.includes(request.method)) return undefined;
    return new MethodNotAllowedError(request.method, allow);
  }
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURI(path);
  } catch {
    return undefined;
  }
}
