import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ulid } from 'ulid';
import { acceptCorrelationId, enterCorrelationId, PinoNestLogger } from '@ledger/observability';
import type { ApiDependencies } from './api-dependencies';
import { ApiModule } from './api.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';

/** Largest request body accepted (webhooks included); larger ones get 413 payload_too_large. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Builds the API on Fastify, initialised but not listening: the local server, the Lambda handler
 * and the end-to-end tests all start from here.
 */
export async function createApiApp(deps: ApiDependencies): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    logger: false,
    genReqId: (request: { headers: Record<string, unknown> }) =>
      acceptCorrelationId(request.headers['x-correlation-id']) ?? ulid(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(deps), adapter, {
    logger: new PinoNestLogger(deps.logger),
  });
  app.useGlobalFilters(new ProblemDetailsFilter(deps.logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    enterCorrelationId(request.id);
    void reply.header('x-correlation-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    deps.logger.info(
      {
        correlationId: request.id,
        method: request.method,
        url: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
  await app.init();
  return app;
}
