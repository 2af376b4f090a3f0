/** How often, and when last, a delivery arrived; kept beside its immutable event. */
export interface DeliveryArrivals {
  arrivals: number;
  lastArrivalAt: string;
  /** Repeats whose body differed from the recorded one (same delivery id, other bytes). */
  conflictingBodies: number;
}

/** Counts repeat arrivals of a delivery without ever rewriting its event. */
export interface DeliveryStats {
  recordRepeat(deliveryStreamId: string, at: string, sameBody: boolean): Promise<void>;
  get(deliveryStreamId: string): Promise<DeliveryArrivals | undefined>;
}
