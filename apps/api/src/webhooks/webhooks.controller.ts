import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ProblemDto } from '../openapi/problem.dto';
import type { RawBodyRouteConfig } from '../http/body-parsers';
import { WebhookAckDto } from './webhook-ack.dto';
import type { FastifyRequest } from 'fastify';
import {
  GITHUB_HEADERS,
  HMAC_SHA256_HEADERS,
  ReceiveWebhook,
  STANDARD_WEBHOOKS_HEADERS,
  STRIPE_SIGNATURE_HEADER,
  type ReceiveResult,
} from '@ledger/webhooks';

/** Inbound webhooks: authenticated by their signature alone, acknowledged once durably stored. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':provider')
  @HttpCode(200)
  // The body parser leaves this route's body as the exact bytes received, whatever the spelling
  // of the path that reached it.
  @RouteConfig({ rawBody: true } satisfies RawBodyRouteConfig)
  @ApiOperation({
    summary: 'Receive a webhook delivery',
    description:
      'Verifies the signature over the exact bytes received (scheme per provider: ' +
      "standard-webhooks with `webhook-*` or Svix's `svix-*` headers, stripe, github, " +
      'hmac-sha256), then stores the delivery verbatim. ' +
      'Answers 200 only once it is durably written; a repeat of a delivery id answers 200 with ' +
      '`duplicate: true` and the first event id. Every refusal is recorded for audit.',
  })
  @ApiParam({ name: 'provider', description: 'A provider name from the configuration' })
  @ApiHeader({
    name: STANDARD_WEBHOOKS_HEADERS.id,
    required: false,
    description: 'standard-webhooks: the delivery id (signed)',
  })
  @ApiHeader({
    name: STANDARD_WEBHOOKS_HEADERS.timestamp,
    required: false,
    description: 'standard-webhooks: Unix seconds (signed; within the provider tolerance)',
  })
  @ApiHeader({
    name: STANDARD_WEBHOOKS_HEADERS.signature,
    required: false,
    description:
      'standard-webhooks: space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`',
  })
  @ApiHeader({
    name: STRIPE_SIGNATURE_HEADER,
    required: false,
    description: 'stripe: `t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>` (several v1 allowed)',
  })
  @ApiHeader({
    name: GITHUB_HEADERS.signature,
    required: false,
    description: 'github: `sha256=<hex HMAC-SHA256 of the body>`',
  })
  @ApiHeader({
    name: GITHUB_HEADERS.delivery,
    required: false,
    description: 'github: the delivery id',
  })
  @ApiHeader({
    name: HMAC_SHA256_HEADERS.timestamp,
    required: false,
    description: 'hmac-sha256: Unix seconds (signed; within the provider tolerance)',
  })
  @ApiHeader({
    name: HMAC_SHA256_HEADERS.signature,
    required: false,
    description: 'hmac-sha256: hex HMAC-SHA256 of `timestamp.body`',
  })
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The provider payload, exactly as signed', schema: { type: 'object' } })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description:
      "missing_signature_headers (the headers of the provider's scheme, above), malformed_payload",
  })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'invalid_signature, timestamp_out_of_tolerance',
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'unknown_provider' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'payload_too_large (over 256 KB)' })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'unsupported_media_type' })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'store_unavailable; retry after Retry-After',
  })
  receive(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
  ): Promise<ReceiveResult> {
    return this.commands.execute<ReceiveWebhook, ReceiveResult>(
      new ReceiveWebhook(
        provider,
        // The exact bytes received (see body-parsers.ts); a request without a body has none.
        Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        request.headers,
        request.ip,
        request.id,
      ),
    );
  }
}
