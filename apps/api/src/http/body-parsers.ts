import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { parseJsonBody } from './json-body';

/** Route config of a route whose handler needs the body as the exact bytes received. */
export interface RawBodyRouteConfig {
  rawBody?: boolean;
}

/** Route config of a console route that takes an HTML form (`application/x-www-form-urlencoded`). */
export interface FormBodyRouteConfig {
  formBody?: boolean;
}

/** The largest form the console posts (an API key, a few fields). */
const FORM_BODY_LIMIT_BYTES = 4 * 1024;

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
 * Every other route gets the body parsed with its depth bounded first (see json-body.ts). The
 * console's form routes (`formBody`) take HTML forms, as `URLSearchParams`; anywhere else a form
 * is refused like every other media type, with 415.
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
  // Given the raw stream, so that a form anywhere else is refused before a byte is read, exactly
  // as when no form parser existed (415, even past the body limit).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', (request, payload, done) => {
    if ((request.routeOptions.config as FormBodyRouteConfig | undefined)?.formBody !== true) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']));
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    payload.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > FORM_BODY_LIMIT_BYTES) {
        payload.destroy();
        done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () =>
      done(null, new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
    );
    payload.on('error', (error) => done(error, undefined));
  });
}
