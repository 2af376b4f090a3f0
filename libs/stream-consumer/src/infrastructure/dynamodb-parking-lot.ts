import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '@ledger/event-store';
import { documentClientFor } from '@ledger/event-store/aws';
import type { ParkedRecord, ParkingLot } from '../core/parking-lot.port';

const partitionOf = (consumer: string): string => `consumer#${consumer}#parked`;
// Position order: redrives replay a stream's parked records oldest first.
const sortKeyOf = (event: StoredEvent): string => event.position;

/** Parked records in the meta table, one partition per consumer. */
export class DynamoDbParkingLot implements ParkingLot {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async park(record: ParkedRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: partitionOf(record.consumer), sk: sortKeyOf(record.event), ...record },
      }),
    );
  }

  async list(consumer: string, limit = 100): Promise<ParkedRecord[]> {
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partitionOf(consumer) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (output.Items ?? []).map((item) => {
      const { consumer: name, event, error, attempts, parkedAt } = item as ParkedRecord;
      return { consumer: name, event, error, attempts, parkedAt };
    });
  }

  async release(consumer: string, event: StoredEvent): Promise<void> {
    await this.documents.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: partitionOf(consumer), sk: sortKeyOf(event) },
      }),
    );
  }
}
