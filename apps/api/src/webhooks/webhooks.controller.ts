import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ReceiveResult, WebhookReceiver } from '@ledger/webhooks';
import { WEBHOOK_RECEIVER } from '../api-dependencies';

/** Inbound webhooks: authenticated by their signature alone, acknowledged once durably stored. */
@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(WEBHOOK_RECEIVER) private readonly receiver: WebhookReceiver) {}

  @Post(':provider')
  @HttpCode(200)
  receive(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
  ): Promise<ReceiveResult> {
    return this.receiver.receive({
      provider,
      // The JSON parser leaves webhook bodies as the exact bytes received (see body-parsers.ts).
      rawBody: request.body as Buffer,
      headers: request.headers,
      sourceIp: request.ip,
      correlationId: request.id,
    });
  }
}
