import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_FAULTS,
  decideFault,
  mergeFaults,
  parseScriptedResponses,
  planWebhook,
  scriptedDecision,
  strikesAfterProcessing,
  type FaultDecision,
  type WebhookPlan,
} from './faults';
import type { SandboxFaults, ScriptedResponse } from './sandbox-gateway.types';

/** Fault injection for one request: what happens, and whether processing runs first. */
export interface InjectedFault {
  decision: FaultDecision;
  /** The request is processed normally and only its answer is replaced by `decision`. */
  afterProcessing: boolean;
}

/** The live fault settings and script of one sandbox. */
export class FaultControls {
  private readonly initial: SandboxFaults;
  private faults: SandboxFaults;
  private readonly queue: ScriptedResponse[] = [];

  constructor(
    initial: Partial<SandboxFaults> | undefined,
    private readonly random: () => number,
  ) {
    this.initial = mergeFaults(DEFAULT_FAULTS, initial ?? {});
    this.faults = this.initial;
  }

  current(): Readonly<SandboxFaults> {
    return this.faults;
  }

  /** Merges `changes` (untrusted) into the faults; throws a RangeError when invalid. */
  set(changes: unknown): Readonly<SandboxFaults> {
    this.faults = mergeFaults(this.faults, changes);
    return this.faults;
  }

  /** Queues forced answers (untrusted) after the ones already queued; returns the queue length. */
  script(responses: unknown): number {
    this.queue.push(...parseScriptedResponses(responses));
    return this.queue.length;
  }

  /** The fault for the next `/v1` request: the script first, then the random rates. */
  next(): InjectedFault {
    const scripted = this.queue.shift();
    if (scripted !== undefined) {
      return {
        decision: scriptedDecision(scripted, this.faults),
        afterProcessing: scripted.afterProcessing === true,
      };
    }
    const decision = decideFault(this.faults, this.random);
    return {
      decision,
      afterProcessing: strikesAfterProcessing(this.faults, decision, this.random),
    };
  }

  /** How the next webhook is delivered. */
  planWebhook(): WebhookPlan {
    return planWebhook(this.faults, this.random);
  }

  /** Waits out the simulated processing time. */
  async latency(): Promise<void> {
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
  }

  reset(): void {
    this.faults = this.initial;
    this.queue.length = 0;
  }
}
