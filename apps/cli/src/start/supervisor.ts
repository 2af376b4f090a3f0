import { LedgerError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';

/** Where a supervised process is in its life, as `/health` reports it. */
export type SupervisedState =
  'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** What a launched process tells its supervisor. */
export interface ChildEvents<R> {
  /** It is ready, with what it reports (the consumers polling). */
  ready(report: R): void;
  /** It is gone; called once. */
  exited(exit: ChildExit): void;
}

/** One launch of the supervised process, as the supervisor drives it. */
export interface SupervisedChild {
  readonly pid: number | undefined;
  /** Asks it to stop gracefully. */
  stop(): void;
  /** Ends it at once (SIGKILL). */
  kill(): void;
}

/** Starts one process, wired to `events`. */
export type LaunchChild<R> = (events: ChildEvents<R>) => SupervisedChild;

/** When a crashed process is started again, and when the supervisor stops trying. */
export interface SupervisorPolicy {
  /** The wait before the first restart; each further crash in the window doubles it. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** This many crashes within `crashWindowMs` and the process is left down (state `failed`). */
  maxCrashes: number;
  crashWindowMs: number;
  /** A launch that has not reported ready by then is killed (and counts as a crash). */
  readyTimeoutMs: number;
  /** A process asked to stop that is still there by then is killed. */
  stopTimeoutMs: number;
}

export const DEFAULT_SUPERVISOR_POLICY: SupervisorPolicy = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  maxCrashes: 5,
  crashWindowMs: 60_000,
  readyTimeoutMs: 60_000,
  stopTimeoutMs: 15_000,
};

/** The supervised process never became ready at start: `ledger start` cannot run without it. */
export class ProcessStartError extends LedgerError {
  readonly code = 'process_start_failed';
  readonly status = 500;
}

interface Launch<R> {
  child?: SupervisedChild;
  ready: boolean;
  readyTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  report?: R;
}

/**
 * Keeps one child process running: starts it, restarts it with a doubling backoff when it exits
 * unasked, gives up after `maxCrashes` crashes within `crashWindowMs` (logging it), and stops it
 * on request (gracefully, then killed after `stopTimeoutMs`).
 */
export class Supervisor<R> {
  private readonly policy: SupervisorPolicy;
  private status: SupervisedState = 'stopped';
  private current: Launch<R> | undefined;
  private crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private firstStart: { resolve(report: R): void; reject(error: Error): void } | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: {
      /** How log lines name it: `stream processor`. */
      name: string;
      launch: LaunchChild<R>;
      logger: Logger;
      policy?: Partial<SupervisorPolicy>;
      /** Called on each ready report, the first and every one after a restart. */
      onReady?: (report: R, pid: number | undefined) => void;
    },
  ) {
    this.policy = { ...DEFAULT_SUPERVISOR_POLICY, ...options.policy };
  }

  /** Where the process is now. */
  state(): SupervisedState {
    return this.status;
  }

  /** The running launch's process id (none between a crash and its restart). */
  pid(): number | undefined {
    return this.current?.child?.pid;
  }

  /**
   * Launches the process; resolves with its first ready report, or fails with a
   * `ProcessStartError` if it exits (or does not report) first: a start that fails is not retried.
   */
  start(): Promise<R> {
    if (this.status !== 'stopped' || this.stopping !== undefined) {
      throw new Error(`${this.options.name} is started once`);
    }
    return new Promise<R>((resolve, reject) => {
      this.firstStart = { resolve, reject };
      this.status = 'starting';
      this.launch();
    });
  }

  /** Stops the process and any restart pending; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    this.status = 'stopping';
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const launch = this.current;
    if (launch?.child !== undefined) {
      const child = launch.child;
      child.stop();
      const killer = setTimeout(() => {
        this.options.logger.warn(
          { pid: child.pid, stopTimeoutMs: this.policy.stopTimeoutMs },
          `${this.options.name} did not stop in time: killing it`,
        );
        child.kill();
      }, this.policy.stopTimeoutMs);
      await launch.exited;
      clearTimeout(killer);
    }
    this.firstStart?.reject(
      new ProcessStartError(`${this.options.name} was stopped while starting`),
    );
    this.firstStart = undefined;
    this.status = 'stopped';
  }

  private launch(): void {
    let markExited!: () => void;
    const launch: Launch<R> = {
      ready: false,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
    };
    this.current = launch;
    launch.readyTimer = setTimeout(() => {
      this.options.logger.warn(
        { pid: launch.child?.pid, readyTimeoutMs: this.policy.readyTimeoutMs },
        `${this.options.name} did not report ready in time: killing it`,
      );
      launch.child?.kill();
    }, this.policy.readyTimeoutMs);
    launch.child = this.options.launch({
      ready: (report) => this.onReady(launch, report),
      exited: (exit) => {
        clearTimeout(launch.readyTimer);
        markExited();
        this.onExit(launch, exit);
      },
    });
  }

  private onReady(launch: Launch<R>, report: R): void {
    if (launch !== this.current || this.stopping !== undefined || launch.ready) return;
    clearTimeout(launch.readyTimer);
    launch.ready = true;
    launch.report = report;
    this.status = 'running';
    this.options.onReady?.(report, launch.child?.pid);
    this.firstStart?.resolve(report);
    this.firstStart = undefined;
  }

  private onExit(launch: Launch<R>, exit: ChildExit): void {
    if (launch !== this.current) return;
    this.current = undefined;
    if (this.stopping !== undefined) return;
    const { logger, name } = this.options;
    const pid = launch.child?.pid;
    if (this.firstStart !== undefined) {
      this.status = 'failed';
      this.firstStart.reject(
        new ProcessStartError(
          `${name} exited before it was ready (${describeExit(exit)}); its output is above`,
        ),
      );
      this.firstStart = undefined;
      return;
    }
    const now = Date.now();
    this.crashes = this.crashes.filter((at) => now - at < this.policy.crashWindowMs);
    this.crashes.push(now);
    const crashes = this.crashes.length;
    if (crashes >= this.policy.maxCrashes) {
      this.status = 'failed';
      logger.error(
        { pid, ...exit, crashes, crashWindowMs: this.policy.crashWindowMs },
        `${name} crashed ${crashes} times within ${this.policy.crashWindowMs / 1000} s: ` +
          'not restarting it (the API keeps serving; events wait in the stream until ledger ' +
          'start is restarted)',
      );
      return;
    }
    const restartInMs = Math.min(
      this.policy.initialBackoffMs * 2 ** (crashes - 1),
      this.policy.maxBackoffMs,
    );
    this.status = 'restarting';
    logger.warn(
      { pid, ...exit, crashes, restartInMs },
      `${name} exited unexpectedly (${describeExit(exit)}): restarting it`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.launch();
    }, restartInMs);
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}
