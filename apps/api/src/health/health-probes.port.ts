/** Whether the ledger's storage answers: the check that decides between 200 and 503 on /health. */
export interface StorageProbe {
  /** True when the events table answers in time; never throws. */
  reachable(): Promise<boolean>;
}

/** Whether the event bus answers; when it does not, /health reports degraded (events wait). */
export interface BusProbe {
  /** True when the bus answers in time; never throws. */
  reachable(): Promise<boolean>;
}
