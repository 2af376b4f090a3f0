import type { DeliveryArrivals, DeliveryStats } from '../receive-webhook/delivery-stats.port';

/** Repeat arrivals of deliveries in memory; a delivery has stats only once a repeat came. */
export class InMemoryDeliveryStats implements DeliveryStats {
  private readonly stats = new Map<string, DeliveryArrivals>();

  recordRepeat(deliveryStreamId: string, at: string, sameBody: boolean): Promise<void> {
    const earlier = this.stats.get(deliveryStreamId) ?? { arrivals: 1, conflictingBodies: 0 };
    this.stats.set(deliveryStreamId, {
      arrivals: earlier.arrivals + 1,
      lastArrivalAt: at,
      conflictingBodies: earlier.conflictingBodies + (sameBody ? 0 : 1),
    });
    return Promise.resolve();
  }

  get(deliveryStreamId: string): Promise<DeliveryArrivals | undefined> {
    const stats = this.stats.get(deliveryStreamId);
    return Promise.resolve(stats === undefined ? undefined : { ...stats });
  }
}
