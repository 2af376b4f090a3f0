import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseJsonBody } from './json-body';

/** Route config of a route whose handler needs the body as the exact bytes received. */
export interface RawBodyRouteConfig {
  rawBody?: boolean;
}

/**
 * Whether the matched route keeps its body raw. Decided by the route the router matched (after it
 * decoded the path), never by the URL's spelling: `/%77ebhooks/x` is the webhook route too.
 */
export function wantsRawBody(request: FastifyRequest): boolean {
  return (request.routeOptions.config as RawBodyRouteConfig | undefined)?.rawBody === true;
}

/**
 * One JSON body parser for the whole API. Routes marked `rawBody` (webhooks) get the exact bytes
 * received, a Buffer: signatures are computed over them, and re-serialised JSON would break them.
 * Every other route gets the body parsed with its depth bounded first (see json-body.ts). Other
 * media types are refused with 415.
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  // Fastify's built-in text/plain parser would let non-JSON bodies through.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request, body, done) => {
      if (wantsRawBody(request)) {
        done(null, body);
        return;
      }
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}
