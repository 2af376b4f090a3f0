import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb-streams';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { createDynamoDbStreamsClient } from '@ledger/stream-consumer/aws';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The events table's stream on DynamoDB Local, read as Lambda's event source mapping hands it to
 * a function: each record in the shape of a `DynamoDBStreamEvent` record, binary attributes as
 * base64 strings (the JSON Lambda sends), never the SDK's decoded values.
 */
export class EventsStreamReader {
  private readonly streams;
  private readonly handedOut = new Map<string, Set<string>>();

  constructor(
    private readonly storage: LedgerStorage,
    endpoint: string,
    private readonly region = 'us-east-1',
  ) {
    this.streams = createDynamoDbStreamsClient(endpoint);
  }

  /** Every record of the stream so far, oldest first per shard. */
  async all(): Promise<DynamoDBRecord[]> {
    const table = await this.storage.dynamoDb.send(
      new DescribeTableCommand({ TableName: this.storage.tables.events }),
    );
    const streamArn = table.Table?.LatestStreamArn;
    if (streamArn === undefined) throw new Error('the events table has no stream');
    const { StreamDescription: stream } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    const records: DynamoDBRecord[] = [];
    for (const shard of stream?.Shards ?? []) {
      let { ShardIterator: iterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      while (iterator !== undefined) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(
          ...(page.Records ?? []).map((record) => this.asLambdaRecord(record, streamArn)),
        );
        // An open shard always hands out a next iterator: stop once it has nothing more.
        iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
      }
    }
    return records;
  }

  /** The records `consumer` has not been handed yet, as one batch (ordered as the stream is). */
  async nextBatch(consumer: string): Promise<{ Records: DynamoDBRecord[] }> {
    const seen = this.handedOut.get(consumer) ?? new Set<string>();
    this.handedOut.set(consumer, seen);
    const fresh = (await this.all()).filter((record) => !seen.has(record.eventID ?? ''));
    for (const record of fresh) seen.add(record.eventID ?? '');
    return { Records: fresh };
  }

  close(): void {
    this.streams.destroy();
  }

  private asLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
    const data = record.dynamodb;
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(
          (data?.ApproximateCreationDateTime ?? new Date()).getTime() / 1000,
        ),
        Keys: asJson(data?.Keys),
        NewImage: asJson(data?.NewImage),
        SequenceNumber: data?.SequenceNumber,
        SizeBytes: data?.SizeBytes,
        StreamViewType: data?.StreamViewType,
      },
    } as DynamoDBRecord;
  }
}

/** An image as Lambda's JSON carries it: B and BS as base64 strings. */
function asJson(image: Record<string, AttributeValue> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(image ?? {}).map(([name, value]) => [name, attributeAsJson(value)]),
  );
}

function attributeAsJson(value: AttributeValue): unknown {
  // The Streams client reads an empty map as a value of no type; Lambda's JSON has `{"M":{}}`.
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) {
    return { BS: value.BS.map((item) => Buffer.from(item).toString('base64')) };
  }
  if (value.M !== undefined) return { M: asJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeAsJson) };
  return value;
}
