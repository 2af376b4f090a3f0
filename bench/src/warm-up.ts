import type { LedgerStorage } from '@ledger/event-store/aws';
import { measure } from './harness';
import { eventStoreWorkload } from './event-store.workload';

export const WARM_UP_OPS = 20_000;
const WARM_UP_IN_FLIGHT = 16;

export interface WarmUpResult {
  ops: number;
  inFlight: number;
  elapsedMs: number;
  opsPerSec: number;
}

/**
 * DynamoDB Local's JVM runs interpreted until the JIT has seen ~20,000 requests, so anything
 * measured before that mostly measures the compiler. Half raw puts, half appends, so both code
 * paths (and the client's) are hot before the first measurement of any scenario.
 */
export async function warmUp(storage: LedgerStorage, ops: number): Promise<WarmUpResult> {
  const workload = eventStoreWorkload(storage);
  const result = await measure({
    name: 'warm-up',
    inFlight: WARM_UP_IN_FLIGHT,
    total: ops,
    op: (i) => (i % 2 === 0 ? workload.rawPut() : workload.append()),
  });
  return {
    ops,
    inFlight: WARM_UP_IN_FLIGHT,
    elapsedMs: result.elapsedMs,
    opsPerSec: result.opsPerSec,
  };
}
