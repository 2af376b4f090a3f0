import { createLogger } from '@ledger/observability';
import {
  ProcessStartError,
  Supervisor,
  type ChildEvents,
  type ChildExit,
  type SupervisorPolicy,
} from './supervisor';

/** A launched child the spec drives: it reports ready or exits when told. */
interface FakeChild {
  pid: number;
  stopAsked: boolean;
  killed: boolean;
  ready(consumers?: string[]): void;
  exit(exit?: Partial<ChildExit>): void;
}

const POLICY: SupervisorPolicy = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 8_000,
  maxCrashes: 4,
  crashWindowMs: 60_000,
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 5_000,
};

function arrange(policy: Partial<SupervisorPolicy> = {}) {
  const launched: FakeChild[] = [];
  const logged: Array<{ level: string; message: string }> = [];
  const logger = createLogger('silent');
  for (const level of ['info', 'warn', 'error'] as const) {
    jest
      .spyOn(logger, level)
      .mockImplementation((_fields: unknown, message?: unknown) =>
        logged.push({ level, message: String(message) }),
      );
  }
  const readyPids: Array<number | undefined> = [];
  const supervisor = new Supervisor<{ consumers: string[] }>({
    name: 'stream processor',
    logger,
    policy: { ...POLICY, ...policy },
    onReady: (_report, pid) => readyPids.push(pid),
    launch: (events: ChildEvents<{ consumers: string[] }>) => {
      let gone = false;
      const child: FakeChild = {
        pid: 100 + launched.length,
        stopAsked: false,
        killed: false,
        ready: (consumers = ['projector']) => events.ready({ consumers }),
        exit: (exit = {}) => {
          if (gone) return;
          gone = true;
          events.exited({ code: exit.code ?? null, signal: exit.signal ?? null });
        },
      };
      launched.push(child);
      return {
        pid: child.pid,
        stop: () => {
          child.stopAsked = true;
        },
        kill: () => {
          child.killed = true;
          child.exit({ signal: 'SIGKILL' });
        },
      };
    },
  });
  return { supervisor, launched, logged, readyPids };
}

/** Starts the supervisor and brings its first child to ready. */
async function running(policy: Partial<SupervisorPolicy> = {}) {
  const arranged = arrange(policy);
  const started = arranged.supervisor.start();
  arranged.launched[0].ready();
  await started;
  return arranged;
}

describe('the process supervisor', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('when the child reports ready', () => {
    it('resolves the start with its report, and is running', async () => {
      const { supervisor, launched, readyPids } = arrange();

      const started = supervisor.start();
      expect(supervisor.state()).toBe('starting');
      launched[0].ready(['projector', 'publisher']);

      await expect(started).resolves.toEqual({ consumers: ['projector', 'publisher'] });
      expect(supervisor.state()).toBe('running');
      expect(supervisor.pid()).toBe(100);
      expect(readyPids).toEqual([100]);
    });
  });

  describe('when the child exits before its first ready report', () => {
    it('fails the start with a ProcessStartError and does not restart it', async () => {
      const { supervisor, launched } = arrange();

      const started = supervisor.start();
      launched[0].exit({ code: 1 });

      await expect(started).rejects.toBeInstanceOf(ProcessStartError);
      await expect(started).rejects.toThrow('exit code 1');
      jest.advanceTimersByTime(120_000);
      expect(launched).toHaveLength(1);
      expect(supervisor.state()).toBe('failed');
    });
  });

  describe('when the child never reports ready', () => {
    it('kills it once the ready timeout has passed', async () => {
      const { supervisor, launched } = arrange();

      const started = supervisor.start();
      jest.advanceTimersByTime(POLICY.readyTimeoutMs - 1);
      expect(launched[0].killed).toBe(false);
      jest.advanceTimersByTime(1);

      expect(launched[0].killed).toBe(true);
      await expect(started).rejects.toBeInstanceOf(ProcessStartError);
    });
  });

  describe('when a running child crashes', () => {
    it('restarts it after the initial backoff, not before', async () => {
      const { supervisor, launched, logged, readyPids } = await running();

      launched[0].exit({ signal: 'SIGKILL' });
      expect(supervisor.state()).toBe('restarting');
      expect(supervisor.pid()).toBeUndefined();
      jest.advanceTimersByTime(POLICY.initialBackoffMs - 1);
      expect(launched).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(launched).toHaveLength(2);
      expect(supervisor.state()).toBe('restarting');
      launched[1].ready();

      expect(supervisor.state()).toBe('running');
      expect(readyPids).toEqual([100, 101]);
      expect(logged).toContainEqual({
        level: 'warn',
        message: 'stream processor exited unexpectedly (signal SIGKILL): restarting it',
      });
    });

    it('doubles the backoff for each further crash within the window, up to the maximum', async () => {
      const { launched } = await running({ maxCrashes: 10 });
      const waits: number[] = [];

      for (let crash = 0; crash < 5; crash++) {
        const before = launched.length;
        launched[launched.length - 1].exit({ code: 1 });
        let waited = 0;
        while (launched.length === before) {
          jest.advanceTimersByTime(100);
          waited += 100;
        }
        waits.push(waited);
      }

      expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    });

    it('gives up after maxCrashes crashes within the window, saying so', async () => {
      const { supervisor, launched, logged } = await running();

      for (let crash = 1; crash < POLICY.maxCrashes; crash++) {
        launched[launched.length - 1].exit({ code: 1 });
        jest.advanceTimersByTime(POLICY.maxBackoffMs);
      }
      expect(launched).toHaveLength(POLICY.maxCrashes);
      launched[launched.length - 1].exit({ code: 1 });
      jest.advanceTimersByTime(10 * POLICY.crashWindowMs);

      expect(launched).toHaveLength(POLICY.maxCrashes);
      expect(supervisor.state()).toBe('failed');
      expect(logged.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
        expect.stringContaining(`stream processor crashed ${POLICY.maxCrashes} times within 60 s`),
      ]);
    });

    it('keeps restarting crashes spread wider than the window, from the initial backoff', async () => {
      const { supervisor, launched } = await running();

      for (let crash = 0; crash < 2 * POLICY.maxCrashes; crash++) {
        launched[launched.length - 1].exit({ code: 1 });
        jest.advanceTimersByTime(POLICY.initialBackoffMs);
        launched[launched.length - 1].ready();
        jest.advanceTimersByTime(POLICY.crashWindowMs);
      }

      expect(launched).toHaveLength(2 * POLICY.maxCrashes + 1);
      expect(supervisor.state()).toBe('running');
    });
  });

  describe('when it is stopped', () => {
    it('asks the child to stop and resolves once it has exited', async () => {
      const { supervisor, launched } = await running();

      const stopped = supervisor.stop();
      expect(launched[0].stopAsked).toBe(true);
      expect(supervisor.state()).toBe('stopping');
      launched[0].exit({ code: 0 });
      await stopped;

      expect(launched[0].killed).toBe(false);
      expect(supervisor.state()).toBe('stopped');
      jest.advanceTimersByTime(120_000);
      expect(launched).toHaveLength(1);
    });

    it('kills a child that has not exited within the stop timeout', async () => {
      const { supervisor, launched } = await running();

      const stopped = supervisor.stop();
      jest.advanceTimersByTime(POLICY.stopTimeoutMs - 1);
      expect(launched[0].killed).toBe(false);
      jest.advanceTimersByTime(1);
      await stopped;

      expect(launched[0].killed).toBe(true);
      expect(supervisor.state()).toBe('stopped');
    });

    it('cancels a restart that was waiting for its backoff', async () => {
      const { supervisor, launched } = await running();
      launched[0].exit({ code: 1 });

      await supervisor.stop();
      jest.advanceTimersByTime(120_000);

      expect(launched).toHaveLength(1);
      expect(supervisor.state()).toBe('stopped');
    });

    it('fails a start still waiting for the first ready report', async () => {
      const { supervisor, launched } = arrange();
      const started = supervisor.start();

      const stopped = supervisor.stop();
      launched[0].exit({ code: 0 });
      await stopped;

      await expect(started).rejects.toBeInstanceOf(ProcessStartError);
    });
  });
});
