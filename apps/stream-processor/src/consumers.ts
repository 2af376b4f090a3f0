import type { LedgerStorage } from '@ledger/event-store';
import type { Logger } from '@ledger/observability';
import type { StreamConsumer } from '@ledger/stream-consumer';

export interface ConsumerDependencies {
  storage: LedgerStorage;
  logger: Logger;
}

/**
 * Every consumer of the events table's stream. Each runs with its own checkpoint locally and its
 * own event source mapping in AWS (template.yaml); the list grows as consumers are built.
 */
export function buildConsumers(deps: ConsumerDependencies): StreamConsumer[] {
  void deps;
  return [];
}
