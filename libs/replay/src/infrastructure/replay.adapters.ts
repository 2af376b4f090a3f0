import type { LedgerStorage } from '@ledger/event-store/aws';
import type { ReplayJobLeases, ReplayJobs } from '../jobs/replay-job';
import { DynamoDbReplayJobs } from './dynamodb-replay-jobs';

/** The replay lib's ports on DynamoDB. */
export interface ReplayAdapters {
  /** Replay records in the meta table; the same records carry the replay worker's leases. */
  jobs: ReplayJobs & ReplayJobLeases;
}

/** The replay lib's DynamoDB adapters for one ledger storage: what composition roots call. */
export function replayAdapters(storage: LedgerStorage): ReplayAdapters {
  return { jobs: new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta) };
}
