import type { FastifyInstance, FastifyRequest } from 'fastify';

export const WEBHOOK_PATH_PREFIX = '/webhooks/';

const isWebhook = (request: FastifyRequest): boolean => request.url.startsWith(WEBHOOK_PATH_PREFIX);

/**
 * One JSON body parser for the whole API. Webhook bodies stay the exact bytes received (a
 * Buffer): signatures are computed over them, and re-serialised JSON would break them. Every
 * other route gets Fastify's own safe JSON parsing. Other media types are refused with 415.
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // Fastify's built-in text/plain parser would let non-JSON bodies through.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request, body, done) => {
      if (isWebhook(request)) {
        done(null, body);
        return;
      }
      // The default parser answers through `done`; its return value carries nothing.
      void parseJson(request, (body as Buffer).toString('utf8'), done);
    },
  );
}
