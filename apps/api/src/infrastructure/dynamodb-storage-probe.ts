import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { StorageProbe } from '../health/health-probes.port';

/** The storage probe on DynamoDB: a DescribeTable of the events table within `timeoutMs`. */
export class DynamoDbStorageProbe implements StorageProbe {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly eventsTable: string,
    private readonly timeoutMs = 1500,
  ) {}

  /** The probe of one ledger storage's events table. */
  static of(storage: LedgerStorage, timeoutMs?: number): DynamoDbStorageProbe {
    return new DynamoDbStorageProbe(storage.dynamoDb, storage.tables.events, timeoutMs);
  }

  async reachable(): Promise<boolean> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.eventsTable }), {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return true;
    } catch {
      return false;
    }
  }
}
