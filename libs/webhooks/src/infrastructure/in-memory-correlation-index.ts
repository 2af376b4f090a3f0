import type {
  CorrelationEntryKey,
  CorrelationIndex,
  CorrelationRef,
  LinkedPayment,
  PendingDelivery,
} from '../correlate-delivery/correlation-index.port';

interface Partition {
  /** Sort key (`link`, or `link#<paymentId>` for an order id) to the payment it links to. */
  links: Map<string, LinkedPayment>;
  /** Delivery event id to the waiting delivery. */
  pending: Map<string, PendingDelivery>;
}

const byKey = <T>(entries: Map<string, T>): T[] =>
  [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/**
 * The correlation index in memory: the twin of `DynamoDbCorrelationIndex`, one partition per
 * tenant and reference, entries in the order of their DynamoDB sort keys.
 */
export class InMemoryCorrelationIndex implements CorrelationIndex {
  private readonly partitions = new Map<string, Partition>();

  async link(tenantId: string, ref: CorrelationRef, payment: LinkedPayment): Promise<void> {
    await Promise.resolve();
    // An order id may be carried by several payments: one entry each, so they can be counted.
    const sortKey = ref.kind === 'order' ? `link#${payment.paymentId}` : 'link';
    this.partition(tenantId, ref).links.set(sortKey, { ...payment });
  }

  async linked(tenantId: string, ref: CorrelationRef, limit = 2): Promise<LinkedPayment[]> {
    await Promise.resolve();
    const links =
      this.partitions.get(partitionOf(tenantId, ref))?.links ?? new Map<string, LinkedPayment>();
    return byKey(links)
      .slice(0, limit)
      .map((payment) => ({ ...payment }));
  }

  async addPending(
    tenantId: string,
    ref: CorrelationRef,
    delivery: PendingDelivery,
  ): Promise<void> {
    await Promise.resolve();
    this.partition(tenantId, ref).pending.set(delivery.deliveryEventId, { ...delivery });
  }

  async pendingFor(tenantId: string, ref: CorrelationRef): Promise<PendingDelivery[]> {
    await Promise.resolve();
    const pending =
      this.partitions.get(partitionOf(tenantId, ref))?.pending ??
      new Map<string, PendingDelivery>();
    return byKey(pending).map((delivery) => ({ ...delivery }));
  }

  async removePending(
    tenantId: string,
    ref: CorrelationRef,
    deliveryEventId: string,
  ): Promise<void> {
    await Promise.resolve();
    this.partitions.get(partitionOf(tenantId, ref))?.pending.delete(deliveryEventId);
  }

  async entries(
    keys: readonly CorrelationEntryKey[],
  ): Promise<(LinkedPayment | PendingDelivery | undefined)[]> {
    await Promise.resolve();
    return keys.map((key) => {
      const partition = this.partitions.get(partitionOf(key.tenantId, key.ref));
      const entry =
        key.kind === 'link'
          ? partition?.links.get('link')
          : partition?.pending.get(key.deliveryEventId);
      return entry === undefined ? undefined : { ...entry };
    });
  }

  private partition(tenantId: string, ref: CorrelationRef): Partition {
    const key = partitionOf(tenantId, ref);
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      partition = { links: new Map(), pending: new Map() };
      this.partitions.set(key, partition);
    }
    return partition;
  }
}

const partitionOf = (tenantId: string, ref: CorrelationRef): string =>
  `correlation#${tenantId}#${ref.kind}#${ref.value}`;
