import { EventEmitter } from 'node:events';
import { createLogger } from '@ledger/observability';
import type { LocalStreamProcessor } from '../local-stream-processor';
import { runSupervised, type ParentChannel } from './run-supervised';
import type { StreamProcessorReady } from './stream-processor.protocol';

/** The parent's side of the IPC channel, and what the process did through it. */
function fakeParent() {
  const events = new EventEmitter();
  const sent: StreamProcessorReady[] = [];
  const exits: number[] = [];
  const channel: ParentChannel = {
    send: (message) => sent.push(message),
    onMessage: (listener) => events.on('message', listener),
    onDisconnect: (listener) => events.on('disconnect', listener),
    onSignal: (signal, listener) => events.on(signal, listener),
    exit: (code) => exits.push(code),
  };
  return { channel, events, sent, exits };
}

/** A processor whose stop the spec finishes, or leaves hanging. */
function fakeProcessor() {
  let finishStop!: () => void;
  const stopped = new Promise<void>((resolve) => (finishStop = resolve));
  let stops = 0;
  const processor: LocalStreamProcessor = {
    consumers: ['projector', 'publisher', 'correlator'],
    stop: () => {
      stops += 1;
      return stopped;
    },
  };
  return { processor, finishStop, stops: () => stops };
}

const logger = createLogger('silent');

describe('the stream processor under its supervisor', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('when its pollers have started', () => {
    it('reports ready with the consumers polling', async () => {
      const parent = fakeParent();
      const { processor } = fakeProcessor();

      await runSupervised(() => Promise.resolve(processor), logger, parent.channel);

      expect(parent.sent).toEqual([
        { type: 'ready', consumers: ['projector', 'publisher', 'correlator'] },
      ]);
    });
  });

  describe.each([
    [
      'the parent asks it to stop',
      (events: EventEmitter) => events.emit('message', { type: 'stop' }),
    ],
    [
      'the parent is gone (the IPC channel closed)',
      (events: EventEmitter) => events.emit('disconnect'),
    ],
    ['it receives SIGTERM', (events: EventEmitter) => events.emit('SIGTERM')],
  ])('when %s', (_when, trigger) => {
    it('stops its pollers, then exits 0', async () => {
      const parent = fakeParent();
      const { processor, finishStop, stops } = fakeProcessor();
      await runSupervised(() => Promise.resolve(processor), logger, parent.channel);

      trigger(parent.events);
      trigger(parent.events);
      await Promise.resolve();
      expect(stops()).toBe(1);
      expect(parent.exits).toEqual([]);
      finishStop();
      await new Promise((resolve) => setImmediate(resolve));

      expect(parent.exits).toEqual([0]);
    });
  });

  describe('when it receives SIGINT (Ctrl-C reaches the whole process group)', () => {
    it('keeps running: the parent stops it in order', async () => {
      const parent = fakeParent();
      const { processor, stops } = fakeProcessor();
      await runSupervised(() => Promise.resolve(processor), logger, parent.channel);

      parent.events.emit('SIGINT');
      await new Promise((resolve) => setImmediate(resolve));

      expect(stops()).toBe(0);
      expect(parent.exits).toEqual([]);
    });
  });

  describe('when its pollers do not stop within the grace period', () => {
    it('exits 1 anyway, so that no orphan lingers', async () => {
      jest.useFakeTimers();
      const parent = fakeParent();
      const { processor } = fakeProcessor();
      await runSupervised(() => Promise.resolve(processor), logger, parent.channel, 10_000);

      parent.events.emit('disconnect');
      jest.advanceTimersByTime(9_999);
      expect(parent.exits).toEqual([]);
      jest.advanceTimersByTime(1);

      expect(parent.exits).toEqual([1]);
    });
  });

  describe('when the parent is gone before the pollers started', () => {
    it('exits at once and never reports ready', async () => {
      const parent = fakeParent();
      const { processor, finishStop } = fakeProcessor();
      let finishStart!: (processor: LocalStreamProcessor) => void;
      const running = runSupervised(
        () => new Promise<LocalStreamProcessor>((resolve) => (finishStart = resolve)),
        logger,
        parent.channel,
      );

      parent.events.emit('disconnect');
      await new Promise((resolve) => setImmediate(resolve));
      expect(parent.exits).toEqual([0]);
      finishStart(processor);
      finishStop();
      await running;

      expect(parent.sent).toEqual([]);
    });
  });
});
