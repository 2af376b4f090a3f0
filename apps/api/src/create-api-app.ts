import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ulid } from 'ulid';
import { acceptCorrelationId, enterCorrelationId, PinoNestLogger } from '@ledger/observability';
import type { ApiDependencies } from './api-dependencies';
import { ApiModule } from './api.module';
import { registerBodyParsers, WEBHOOK_PATH_PREFIX } from './http/body-parsers';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { mountOpenApi } from './openapi/openapi';

/** Largest request body accepted (webhooks included); larger ones get 413 payload_too_large. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/** Fastify's refusals that happen before a webhook's body is read, and how they are recorded. */
const UNREAD_REJECTIONS: Record<string, 'payload_too_large' | 'unsupported_media_type'> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

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
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemDetailsFilter(deps.logger));
  // Unknown members are refused rather than dropped: a typo in a money field must not pass.
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, DEFAULT_BODY_LIMIT_BYTES);
  fastify.addHook('onError', (request, _reply, error, done) => {
    const code = (error as { code?: string }).code;
    if (
      request.url.startsWith(WEBHOOK_PATH_PREFIX) &&
      code !== undefined &&
      code in UNREAD_REJECTIONS
    ) {
      deps.webhookReceiver.rejectUnread(
        {
          provider: decodeURIComponent(
            request.url.slice(WEBHOOK_PATH_PREFIX.length).split(/[/?]/)[0],
          ),
          headers: request.headers,
          sourceIp: request.ip,
        },
        UNREAD_REJECTIONS[code],
        error.message,
      );
    }
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    deps.rejectionRecorder.close().then(() => done(), done);
  });
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
  mountOpenApi(app);
  await app.init();
  return app;
}
