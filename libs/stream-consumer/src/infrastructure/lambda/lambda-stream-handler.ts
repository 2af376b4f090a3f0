import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type UpcasterChain } from '@ledger/event-store';
import { BatchProcessor, type BatchProcessorOptions } from '../../core/batch-processor';
import type { ParkingLot } from '../../core/parking-lot.port';
import type { StreamConsumer } from '../../core/stream-consumer';
import { decodeWantedRecords } from '../wanted-records';

export interface LambdaStreamHandlerOptions extends BatchProcessorOptions {
  /** Applied to every decoded record, as the event store applies them to its reads. */
  upcasters?: UpcasterChain;
}

/**
 * The AWS driver: a handler for a DynamoDB-stream event source mapping with
 * `FunctionResponseTypes: [ReportBatchItemFailures]`. Records the core could neither handle nor
 * park are reported from the earliest one on, so Lambda redelivers them in order.
 */
export function createLambdaStreamHandler(
  consumer: StreamConsumer,
  parkingLot: ParkingLot,
  options: LambdaStreamHandlerOptions = {},
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(consumer, parkingLot, options);
  return async (event) => {
    const records = decodeWantedRecords(event.Records, consumer, options.upcasters);
    const outcome = await processor.process(records);
    return {
      batchItemFailures: outcome.firstFailure
        ? [{ itemIdentifier: outcome.firstFailure.sequenceNumber }]
        : [],
    };
  };
}
