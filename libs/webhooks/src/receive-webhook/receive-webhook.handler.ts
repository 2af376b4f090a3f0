import type { ReceiveWebhook } from './receive-webhook.command';
import type { ReceiveResult, WebhookReceiver } from './webhook-receiver';

/**
 * Handles {@link ReceiveWebhook} with the receiver: one conditional write, nothing else on the
 * acknowledgement's path (the payment follows through the correlator).
 */
export class ReceiveWebhookHandler {
  constructor(private readonly receiver: WebhookReceiver) {}

  execute(command: ReceiveWebhook): Promise<ReceiveResult> {
    return this.receiver.receive(command);
  }
}
