import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamBatchPointer } from './consumer-failure';

/** The records of a range, as Lambda hands them to a consumer; or why they cannot be read. */
export type StreamRangeRead =
  | { status: 'read'; records: DynamoDBRecord[] }
  /** The stream no longer holds the range (older than its 24 h, or its shard is gone). */
  | { status: 'trimmed'; reason: string };

/** Reads a range of the events table's stream again (DynamoDB Streams keeps records 24 h). */
export interface StreamRangeReader {
  read(range: StreamBatchPointer): Promise<StreamRangeRead>;
}
