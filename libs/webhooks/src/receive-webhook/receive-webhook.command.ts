import type { HeaderBag, InboundDelivery } from './webhook-receiver';

/**
 * Record one inbound webhook delivery (`POST /webhooks/{provider}`): verified over the exact bytes
 * received, stored once, acknowledged once durable.
 */
export class ReceiveWebhook implements InboundDelivery {
  constructor(
    readonly provider: string,
    readonly rawBody: Buffer,
    readonly headers: HeaderBag,
    readonly sourceIp: string,
    readonly correlationId?: string,
  ) {}
}
