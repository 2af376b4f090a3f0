import {
  consumerProcesses,
  engineProcesses,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from '../../support/ledger-process';

/**
 * A `ledger start` process the scenario kills with SIGKILL and starts again on the same ports,
 * data dir and tables, as a crash and a supervisor's restart would.
 */
export class LedgerUnderChaos {
  private current: LedgerProcess;
  kills = 0;
  /** Milliseconds from each SIGKILL to healthy again. */
  readonly recoveriesMs: number[] = [];

  constructor(readonly env: Record<string, string>) {
    this.current = spawnLedger(env);
  }

  get baseUrl(): string {
    return this.current.baseUrl;
  }

  get process(): LedgerProcess {
    return this.current;
  }

  /**
   * The Node process, its stream consumers' process and, when the ledger runs its own, the
   * DynamoDB Local JVM.
   */
  pids(): Record<string, number | undefined> {
    const running = this.current.child.exitCode === null && this.current.child.signalCode === null;
    const ledger = running ? this.current.child.pid : undefined;
    return {
      ledger,
      consumers: ledger === undefined ? undefined : consumerProcesses(ledger)[0],
      ...(this.env.DYNAMODB_ENDPOINT === undefined && {
        dynamodbLocal: engineProcesses(this.env.DYNAMODB_LOCAL_PORT)[0],
      }),
    };
  }

  async healthy(): Promise<void> {
    await waitForHealthy(this.current, 120_000);
  }

  /** SIGKILL, wait for its engine to go too, start again and wait until healthy. */
  async killAndRestart(): Promise<void> {
    const killedAt = Date.now();
    await this.current.stop('SIGKILL');
    this.kills += 1;
    if (this.env.DYNAMODB_ENDPOINT === undefined) {
      // The embedded engine notices its owner is gone; the port must be free before a restart.
      const deadline = Date.now() + 60_000;
      while (engineProcesses(this.env.DYNAMODB_LOCAL_PORT).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.current = spawnLedger(this.env);
    await this.healthy();
    this.recoveriesMs.push(Date.now() - killedAt);
  }

  async stop(): Promise<void> {
    await this.current.stop('SIGINT');
  }
}
