import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { exactProblemResponses } from './problem-responses';

/** The OpenAPI document, generated from the controllers and DTOs so it cannot drift from them. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Integration Ledger')
    .setDescription(
      'The record of truth for a payment integration: every gateway call attempt and every ' +
        'webhook as an immutable event. Every error answer is application/problem+json ' +
        "(RFC 9457) with a stable `code` and the request's `correlationId` (also the " +
        'x-correlation-id header). Besides the responses listed per operation, any request may ' +
        'get 400 invalid_url (a path that cannot be decoded), 404 not_found (no such route), ' +
        '405 method_not_allowed (with Allow), 414 uri_too_long (a path parameter over 100 ' +
        'characters), 431 headers_too_large and 400 malformed_request (answered on the ' +
        'connection, then closed); any JSON body 400 malformed_payload, 400 payload_too_deep ' +
        '(nested over 16 levels), 413 payload_too_large and 415 unsupported_media_type.',
    )
    .setVersion('0.1.0')
    .addTag(
      'console',
      'The web console at /console: server-rendered HTML pages for people (sign-in with an API ' +
        'key, then a session cookie), not described operation by operation here; see ' +
        'docs/console.md.',
    )
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // An opaque key from the configuration, not a token the API could decode (no JWT).
      bearerFormat: 'API key',
      description:
        "A tenant's API key (an opaque string from the configuration's apiKeys); /admin* takes " +
        "one of the tenant's adminKeys or an operator's key",
    })
    .build();
  return exactProblemResponses(SwaggerModule.createDocument(app, config));
}

/** Serves the document at /docs/json and its UI at /docs. */
export function mountOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
  });
}
