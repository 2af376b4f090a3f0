import type { BusEnvelope } from '@ledger/bus';
import { ReplayDeliveryError, type ReplayDelivery } from './replay-delivery.port';

/**
 * Replay delivery through the local bus's `POST /_control/deliver`, which answers only once the
 * rule's target handled the event (or failed it after the bus's retries).
 */
export class LocalBusReplayDelivery implements ReplayDelivery {
  constructor(private readonly busUrl: string) {}

  async deliver(ruleName: string, envelope: BusEnvelope): Promise<void> {
    const url = `${this.busUrl.replace(/\/+$/, '')}/_control/deliver`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rule: ruleName, event: envelope }),
      });
    } catch (error) {
      throw new ReplayDeliveryError(
        `Cannot reach the local bus at ${this.busUrl}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.ok) return;
    throw new ReplayDeliveryError(
      `The local bus did not deliver to ${ruleName} (HTTP ${response.status}): ${messageOf(text)}`,
      response.status,
    );
  }
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : body;
  } catch {
    return body;
  }
}
