import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { newUlid } from '@ledger/event-store';
import { acceptCorrelationId, enterCorrelationId, PinoNestLogger } from '@ledger/observability';
import type { ApiDependencies } from './api-dependencies';
import { ApiModule } from './api.module';
import { registerBodyParsers, wantsRawBody } from './http/body-parsers';
import { InvalidUrlError, UriTooLongError } from './http/http.errors';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { ProblemResponder } from './http/problem-responder';
import { RouteTable } from './http/route-table';
import { StrictValidationPipe } from './http/strict-validation.pipe';
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
  const routes = new RouteTable();
  const responder = new ProblemResponder(deps.logger, routes);
  const adapter = new FastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    logger: false,
    genReqId: (request: { headers: Record<string, unknown> }) =>
      acceptCorrelationId(request.headers['x-correlation-id']) ?? newUlid(),
    // The router's own refusals (a path it cannot decode, an over-long parameter) are answered
    // like every other error; so are errors of the connection before a request exists.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const refusal =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new UriTooLongError('A path segment is longer than any identifier the API issues')
          : new InvalidUrlError('The request path is not a valid URL');
      responder.send(refusal, request, reply);
    },
    clientErrorHandler: (error, socket) => responder.sendOnSocket(error, socket),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(deps), adapter, {
    logger: new PinoNestLogger(deps.logger),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  routes.listenTo(fastify);
  app.useGlobalFilters(new ProblemDetailsFilter(responder));
  // Unknown members are refused rather than dropped: a typo in a money field must not pass.
  app.useGlobalPipes(
    // One message per member, the first that fails: each DTO checks presence, then type, then
    // range, so `{}` says "amount is required" rather than every bound it could not meet.
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: true,
    }),
  );
  registerBodyParsers(fastify, DEFAULT_BODY_LIMIT_BYTES);
  fastify.addHook('onError', (request, _reply, error, done) => {
    const code = (error as { code?: string }).code;
    if (wantsRawBody(request) && code !== undefined && code in UNREAD_REJECTIONS) {
      deps.webhookReceiver.rejectUnread(
        {
          provider: (request.params as { provider?: string }).provider ?? '',
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
    // The access line is built only when it is written (LOG_LEVEL info or lower).
    if (!deps.logger.isLevelEnabled('info')) {
      done();
      return;
    }
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
