import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

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
