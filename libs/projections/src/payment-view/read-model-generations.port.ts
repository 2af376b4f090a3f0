/** Which generation of the payments read model queries read, and which one a rebuild builds. */
export interface Generations {
  live: string;
  /** Being built by a blue/green rebuild; the projector keeps it up to date too. */
  building?: string;
  /** The generation `live` replaced at the last switch (kept until pruned). */
  previous?: string;
}

/** The pointer that makes a blue/green rebuild switch atomic: one conditional write. */
export interface ReadModelGenerations {
  /**
   * How long after a change a reader may still act on the pointer it read before (the lifetime
   * of its cache of `current`); absent = no such delay. A blue/green rebuild waits this long
   * after announcing its generation before its catch-up reads what the projector may have missed.
   */
  readonly propagationMs?: number;
  /** The current pointer (cached briefly by implementations that are read on every request). */
  current(): Promise<Generations>;
  /** Starts building `generation`; fails if another build is under way. */
  startBuilding(generation: string): Promise<void>;
  /** Makes `generation` live, if it is the one being built. */
  switchTo(generation: string): Promise<void>;
  /** Drops a build that will not be switched to. */
  abandon(generation: string): Promise<void>;
}
