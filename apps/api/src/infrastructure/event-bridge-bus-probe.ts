import { TestEventPatternCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { BusProbe } from '../health/health-probes.port';

/** The bus probe on EventBridge: a TestEventPattern (cheap, side-effect free) within `timeoutMs`. */
export class EventBridgeBusProbe implements BusProbe {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly timeoutMs = 1500,
  ) {}

  async reachable(): Promise<boolean> {
    try {
      await this.client.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ source: ['integration-ledger'] }),
          Event: JSON.stringify(PROBE_EVENT),
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      return true;
    } catch {
      return false;
    }
  }
}

const PROBE_EVENT = {
  id: 'health-probe',
  account: '000000000000',
  source: 'integration-ledger',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  'detail-type': 'health.probe',
  detail: {},
};
