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

/** Where the stream consumers' process is in its life (`ledger start` supervises it). */
export type ConsumersState =
  'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

/**
 * The stream consumers' process, where the API can see it: locally, the child process `ledger
 * start` supervises. In AWS the consumers are functions of their own, and there is no probe.
 */
export interface ConsumersProbe {
  state(): ConsumersState;
}

/** How many accepted payments wait for the charger: `requested`, no gateway call concluded yet. */
export interface BacklogProbe {
  /**
   * Counted up to a cap, so /health stays cheap; `atLeast` when the cap was reached. Undefined
   * when the read model does not answer (never throws).
   */
  waiting(): Promise<{ requested: number; atLeast: boolean } | undefined>;
}
