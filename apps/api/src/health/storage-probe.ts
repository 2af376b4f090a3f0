import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TestEventPatternCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** True when the events table answers within `timeoutMs`. */
export async function probeStorage(
  client: DynamoDBClient,
  eventsTable: string,
  timeoutMs = 1500,
): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: eventsTable }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return true;
  } catch {
    return false;
  }
}

/** True when the bus answers a TestEventPattern (cheap, side-effect free) within `timeoutMs`. */
export async function probeBus(client: EventBridgeClient, timeoutMs = 1500): Promise<boolean> {
  try {
    await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['integration-ledger'] }),
        Event: JSON.stringify(PROBE_EVENT),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    return true;
  } catch {
    return false;
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
