import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document, generated from the controllers and DTOs so it cannot drift from them. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Integration Ledger')
    .setDescription(
      'The record of truth for a payment integration: every gateway call attempt and every ' +
        'webhook as an immutable event. Errors are application/problem+json (RFC 9457) with a ' +
        'stable `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A tenant API key' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document at /docs/json and its UI at /docs. */
export function mountOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
  });
}
