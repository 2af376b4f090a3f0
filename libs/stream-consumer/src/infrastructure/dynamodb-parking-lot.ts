import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type StoredEvent } from '@ledger/event-store';
import { translateStoreError } from '@ledger/event-store/aws';
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

  async park(record: ParkedRecord): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall(
            { pk: partitionOf(record.consumer), sk: sortKeyOf(record.event), ...record },
            { removeUndefinedValues: true },
          ),
        }),
      )
      .catch(translateStoreError);
  }

  async list(consumer: string, limit = 100): Promise<ParkedRecord[]> {
    const output = await this.client
      .send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: partitionOf(consumer) } },
          ConsistentRead: true,
          Limit: limit,
        }),
      )
      .catch(translateStoreError);
    return (output.Items ?? []).map((item) => {
      const { consumer: name, event, error, attempts, parkedAt } = unmarshall(item) as ParkedRecord;
      return { consumer: name, event, error, attempts, parkedAt };
    });
  }

  async release(consumer: string, event: StoredEvent): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: marshall({ pk: partitionOf(consumer), sk: sortKeyOf(event) }),
        }),
      )
      .catch(translateStoreError);
  }
}
