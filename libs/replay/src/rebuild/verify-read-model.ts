import { isDeepStrictEqual } from 'node:util';
import pLimit from 'p-limit';
import type { GlobalEventLog } from '@ledger/event-store';
import type { PaymentDocument, PaymentDocuments } from '@ledger/projections';
import { paymentDocumentsByStream, paymentViewFold } from './payment-view.rebuildable';
import type {
  ProjectedDocument,
  ProjectionDocuments,
  ProjectionFold,
} from './rebuildable-projection';

export interface ReadModelDifference {
  streamId: string;
  problem: 'missing' | 'different' | 'behind';
  expectedVersion: number;
  actualVersion?: number;
}

export interface VerifyResult {
  identical: boolean;
  payments: number;
  events: number;
  /** Documents ahead of the fold: events written while verifying, not a difference. */
  ahead: number;
  differences: ReadModelDifference[];
}

export interface VerifyOptions {
  tenantId?: string;
  maxDifferences?: number;
  concurrency?: number;
}

/**
 * Folds every payment stream from the event store with the projection's own `evolve`, in memory,
 * and compares each result with the stored document: missing, behind, or different at the same
 * version. The proof that a read model is what the events say it is.
 */
export function verifyReadModel(
  store: Pick<GlobalEventLog, 'readShards'>,
  documents: PaymentDocuments,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  return verifyProjection<PaymentDocument>(
    store,
    paymentViewFold,
    paymentDocumentsByStream(documents),
    options,
  );
}

/** `verifyReadModel` for any projection: its streams folded in memory against its documents. */
export async function verifyProjection<TDocument extends ProjectedDocument>(
  store: Pick<GlobalEventLog, 'readShards'>,
  projection: ProjectionFold<TDocument>,
  documents: Pick<ProjectionDocuments<TDocument>, 'get'>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const folded = new Map<string, TDocument>();
  let events = 0;
  // Each shard reader keeps its streams' order, which is all a fold needs: read them in parallel.
  await Promise.all(
    store.readShards().map(async (reader) => {
      for await (const event of reader) {
        const stream = projection.streamOf(event.streamId);
        if (
          stream === undefined ||
          (options.tenantId !== undefined && stream.tenantId !== options.tenantId)
        ) {
          continue;
        }
        events += 1;
        folded.set(event.streamId, projection.evolve(folded.get(event.streamId) ?? null, event));
      }
    }),
  );
  const differences: ReadModelDifference[] = [];
  let ahead = 0;
  const reads = pLimit(options.concurrency ?? 16);
  await Promise.all(
    [...folded].map(([streamId, want]) =>
      reads(async () => {
        const have = await documents.get(streamId);
        if (have === undefined) {
          differences.push({ streamId, problem: 'missing', expectedVersion: want.version });
        } else if (have.version < want.version) {
          differences.push({
            streamId,
            problem: 'behind',
            expectedVersion: want.version,
            actualVersion: have.version,
          });
        } else if (have.version > want.version) {
          ahead += 1;
        } else if (
          !isDeepStrictEqual(JSON.parse(JSON.stringify(have)), JSON.parse(JSON.stringify(want)))
        ) {
          differences.push({
            streamId,
            problem: 'different',
            expectedVersion: want.version,
            actualVersion: have.version,
          });
        }
      }),
    ),
  );
  differences.sort((a, b) => a.streamId.localeCompare(b.streamId));
  return {
    identical: differences.length === 0,
    payments: folded.size,
    events,
    ahead,
    differences: differences.slice(0, options.maxDifferences ?? 100),
  };
}
