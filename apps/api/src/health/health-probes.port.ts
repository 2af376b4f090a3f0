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

/** How many accepted payments wait for the charger: `requested`, no gateway call concluded yet. */
export interface BacklogProbe {
  /**
   * Counted up to a cap, so /health stays cheap; `atLeast` when the cap was reached. Undefined
   * when the read model does not answer (never throws).
   */
  waiting(): Promise<{ requested: number; atLeast: boolean } | undefined>;
}
