import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LedgerError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

/**
 * The one exception filter: every error leaves the API as application/problem+json. Nest routes
 * Fastify's own errors (body parsing, limits) through it too.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error(
        { err: exception, method: request.method, url: request.url },
        'request failed',
      );
    }
    if (problem.status === 503) {
      const retryAfter = exception instanceof LedgerError ? exception.retryAfterSeconds : undefined;
      void reply.header('retry-after', String(retryAfter ?? 1));
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
