import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  compareSequenceNumbers,
  type StreamBatchPointer,
} from '../../redrive-failures/consumer-failure';
import type { StreamRangeRead, StreamRangeReader } from '../../redrive-failures/stream-range.port';

export interface DynamoDbStreamRangeReaderOptions {
  /** Records per GetRecords call (default 1,000, the API's maximum). */
  pageSize?: number;
  /**
   * Empty pages read in a row before the range's end counts as gone (default 10): an open
   * shard answers empty pages past its last record.
   */
  maxEmptyPages?: number;
}

/**
 * Reads a range of the events table's stream through the DynamoDB Streams API (DynamoDB Local's
 * too): an iterator AT_SEQUENCE_NUMBER of the range's start, then GetRecords until past its end.
 * Records come back in the shape Lambda hands to a consumer.
 */
export class DynamoDbStreamRangeReader implements StreamRangeReader {
  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly options: DynamoDbStreamRangeReaderOptions = {},
  ) {}

  async read(range: StreamBatchPointer): Promise<StreamRangeRead> {
    let iterator: string | undefined;
    try {
      ({ ShardIterator: iterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: range.streamArn,
          ShardId: range.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: range.startSequenceNumber,
        }),
      ));
    } catch (error) {
      const gone = goneReason(error);
      if (gone !== undefined) return { status: 'trimmed', reason: gone };
      throw error;
    }
    const records: DynamoDBRecord[] = [];
    let emptyPages = 0;
    while (iterator !== undefined) {
      let page;
      try {
        page = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.pageSize ?? 1000 }),
        );
      } catch (error) {
        const gone = goneReason(error);
        if (gone !== undefined) return { status: 'trimmed', reason: gone };
        throw error;
      }
      const raw = page.Records ?? [];
      emptyPages = raw.length === 0 ? emptyPages + 1 : 0;
      for (const record of raw) {
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        if (sequenceNumber === undefined) continue;
        if (compareSequenceNumbers(sequenceNumber, range.endSequenceNumber) > 0) {
          return this.complete(range, records);
        }
        records.push(toLambdaRecord(record, range.streamArn));
      }
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined && compareSequenceNumbers(last, range.endSequenceNumber) >= 0) {
        return this.complete(range, records);
      }
      if (emptyPages >= (this.options.maxEmptyPages ?? 10)) break;
      iterator = page.NextShardIterator ?? undefined;
    }
    return {
      status: 'trimmed',
      reason: `the shard ends before sequence number ${range.endSequenceNumber}`,
    };
  }

  /** The range as read, if its first record is still there (AT_SEQUENCE_NUMBER of a lost one moves on). */
  private complete(range: StreamBatchPointer, records: DynamoDBRecord[]): StreamRangeRead {
    const first = records[0]?.dynamodb?.SequenceNumber;
    if (first === undefined || compareSequenceNumbers(first, range.startSequenceNumber) !== 0) {
      return {
        status: 'trimmed',
        reason: `sequence number ${range.startSequenceNumber} is no longer in the stream`,
      };
    }
    return { status: 'read', records };
  }
}

function goneReason(error: unknown): string | undefined {
  if (error instanceof TrimmedDataAccessException) {
    return `the stream trimmed the range (older than its 24 h retention): ${error.message}`;
  }
  if (error instanceof ResourceNotFoundException) {
    return `the stream or its shard is gone: ${error.message}`;
  }
  return undefined;
}

/**
 * A Streams API record as Lambda's event carries it: the source ARN added, the creation time in
 * epoch seconds, binary values in base64 (what they are in JSON).
 */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const { dynamodb } = record;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    ...(record.userIdentity !== undefined && { userIdentity: record.userIdentity }),
    dynamodb: dynamodb && {
      ...(dynamodb.ApproximateCreationDateTime !== undefined && {
        ApproximateCreationDateTime: Math.floor(
          dynamodb.ApproximateCreationDateTime.getTime() / 1000,
        ),
      }),
      Keys: wire(dynamodb.Keys),
      NewImage: wire(dynamodb.NewImage),
      OldImage: wire(dynamodb.OldImage),
      SequenceNumber: dynamodb.SequenceNumber,
      SizeBytes: dynamodb.SizeBytes,
      StreamViewType: dynamodb.StreamViewType,
    },
  };
}

function wire(value: unknown): never {
  return toJsonShape(value) as never;
}

function toJsonShape(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonShape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [name, toJsonShape(inner)]),
    );
  }
  return value;
}
