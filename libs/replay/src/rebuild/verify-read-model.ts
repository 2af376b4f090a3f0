import { isDeepStrictEqual } from 'node:util';
import type { GlobalEventLog } from '@ledger/event-store';
import { parsePaymentStreamId } from '@ledger/ledger';
import {
  evolvePaymentDocument,
  type PaymentDocument,
  type PaymentDocuments,
} from '@ledger/projections';

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

/**
 * Folds every payment stream from the event store with the projection's own `evolve`, in memory,
 * and compares each result with the stored document: missing, behind, or different at the same
 * version. The proof that a read model is what the events say it is.
 */
export async function verifyReadModel(
  store: GlobalEventLog,
  documents: PaymentDocuments,
  options: { tenantId?: string; maxDifferences?: number; concurrency?: number } = {},
): Promise<VerifyResult> {
  const folded = new Map<string, PaymentDocument>();
  let events = 0;
  // Each shard reader keeps its streams' order, which is all a fold needs: read them in parallel.
  await Promise.all(
    store.readShards().map(async (reader) => {
      for await (const event of reader) {
        const ids = parsePaymentStreamId(event.streamId);
        if (
          ids === undefined ||
          (options.tenantId !== undefined && ids.tenantId !== options.tenantId)
        ) {
          continue;
        }
        events += 1;
        folded.set(
          event.streamId,
          evolvePaymentDocument(folded.get(event.streamId) ?? null, event),
        );
      }
    }),
  );
  const differences: ReadModelDifference[] = [];
  let ahead = 0;
  const expected = [...folded.values()];
  let next = 0;
  const lanes = Array.from({ length: options.concurrency ?? 16 }, async () => {
    while (next < expected.length) {
      const want = expected[next++];
      const streamId = `${want.tenantId}#payment#${want.paymentId}`;
      const have = await documents.get(want.tenantId, want.paymentId);
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
    }
  });
  await Promise.all(lanes);
  differences.sort((a, b) => a.streamId.localeCompare(b.streamId));
  return {
    identical: differences.length === 0,
    payments: expected.length,
    events,
    ahead,
    differences: differences.slice(0, options.maxDifferences ?? 100),
  };
}
