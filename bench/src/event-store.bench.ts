import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { itemSizeBytes, type LedgerStorage } from '@ledger/event-store/aws';
import { measure, median, type Measurement } from './harness';
import { check, type BenchContext, type ResultRow, type Scenario } from './scenario';
import { eventStoreWorkload, type EventStoreWorkload } from './event-store.workload';

const NAME = 'event-store';
/** Short rounds, many: the ratio is the median of per-round ratios (see the gateway bench). */
const ROUNDS = 6;
const TARGET_RATIO_AT_16 = 0.85;

/** Ops per round: ~2–3 s each on a warm engine at full size; `--quick` is a tenth. */
const LEVELS = [
  { inFlight: 1, total: 750 },
  { inFlight: 16, total: 2_500 },
] as const;

type Kind = 'raw' | 'store';
const LABELS: Record<Kind, string> = { raw: 'raw PutItem', store: 'store append' };

/**
 * Event-store append (new stream, one ~1 KB event: one conditional PutItem) against a raw
 * conditional PutItem of an item of the same shape and size, into the same table, on the same
 * engine and client, so the ratio isolates what the store adds on top of the write itself.
 */
export const eventStoreScenario: Scenario = {
  name: NAME,
  summary: 'append throughput vs raw PutItem of the same item, at 1 and 16 in flight',
  async run(context: BenchContext) {
    const workload = eventStoreWorkload(context.storage);
    const ops: Record<Kind, () => Promise<void>> = {
      raw: () => workload.rawPut(),
      store: () => workload.append(),
    };
    const rows: ResultRow[] = [];
    const ratios: Record<number, number> = {};
    const roundRatios: Record<number, number[]> = {};

    for (const level of LEVELS) {
      const total = context.quick ? Math.max(50, Math.round(level.total / 10)) : level.total;
      const rounds: Record<Kind, Measurement[]> = { raw: [], store: [] };
      const pairRatios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Swap who goes first each round, so neither side always runs on the fresher engine.
        const order: Kind[] = round % 2 === 0 ? ['raw', 'store'] : ['store', 'raw'];
        for (const kind of order) {
          const result = await measure({
            name: `${NAME} ${LABELS[kind]}`,
            inFlight: level.inFlight,
            total,
            op: ops[kind],
          });
          rounds[kind].push(result);
          context.log(
            `  @${level.inFlight} round ${round + 1}/${ROUNDS} ${LABELS[kind].padEnd(12)} ` +
              `${Math.round(result.opsPerSec)} ops/s`,
          );
        }
        // Both sides of a round ran back to back, so the machine's drift between rounds cancels.
        pairRatios.push(rounds.store[round].opsPerSec / rounds.raw[round].opsPerSec);
      }
      const raw = toRow(LABELS.raw, level.inFlight, total, rounds.raw);
      const store = toRow(LABELS.store, level.inFlight, total, rounds.store);
      rows.push(raw, store);
      ratios[level.inFlight] = median(pairRatios);
      roundRatios[level.inFlight] = pairRatios;
    }

    const sizes = await itemSizes(context.storage, workload);
    const notes = [
      `${ROUNDS} rounds per side and level, interleaved (raw/store, then store/raw, ...); ` +
        'each row is the median of its rounds (ops/s, p50 and p99 each on their own). The ratio ' +
        "is the median of the rounds' ratios (" +
        Object.entries(roundRatios)
          .map(([level, r]) => `@${level}: ${r.map((x) => x.toFixed(2)).join(' / ')}`)
          .join('; ') +
        "), so the shared machine's drift between rounds cancels.",
      'Both sides build their item per op with toEventItem (new ULID, timestamp, marshalling), ' +
        'put it with attribute_not_exists(pk) into the same events table, same client.',
      `Item size read back: raw ${sizes.raw} B, store ${sizes.store} B` +
        (sizes.raw === sizes.store ? '.' : ' (WARN: sizes differ, comparison is skewed).'),
    ];
    return {
      rows,
      checks: [
        check('ratio store/raw @1', ratios[1]),
        check('ratio store/raw @16', ratios[16], TARGET_RATIO_AT_16),
      ],
      notes,
      details: { rounds: ROUNDS, roundRatios, itemSizeBytes: sizes },
    };
  },
};

function toRow(label: string, inFlight: number, total: number, rounds: Measurement[]): ResultRow {
  return {
    scenario: NAME,
    label,
    inFlight,
    opsPerRound: total,
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    roundsOpsPerSec: rounds.map((r) => Math.round(r.opsPerSec)),
  };
}

/** Reads one written item of each kind back, to prove the two sides wrote the same size. */
async function itemSizes(
  storage: LedgerStorage,
  workload: EventStoreWorkload,
): Promise<{ raw?: number; store?: number }> {
  const read = async (streamId: string | undefined): Promise<number | undefined> => {
    if (streamId === undefined) return undefined;
    const { Item } = await storage.dynamoDb.send(
      new GetItemCommand({
        TableName: storage.tables.events,
        Key: { pk: { S: streamId }, sk: { N: '1' } },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : itemSizeBytes(Item);
  };
  const { raw, store } = workload.lastStreamIds();
  return { raw: await read(raw), store: await read(store) };
}
