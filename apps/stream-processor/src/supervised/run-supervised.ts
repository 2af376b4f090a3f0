import type { Logger } from '@ledger/observability';
import type { LocalStreamProcessor } from '../local-stream-processor';
import { isStopStreamProcessor, type StreamProcessorReady } from './stream-processor.protocol';

/**
 * How long a stopping processor may take (the batch in hand, its checkpoint) before the process
 * exits anyway: an orphan whose engine went with its parent must not linger.
 */
export const STOP_GRACE_MS = 10_000;

/** The process that forked this one, as seen through the IPC channel (`process` in production). */
export interface ParentChannel {
  /** Sends a message if the channel is still open; never throws. */
  send(message: StreamProcessorReady): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The channel closed: the parent exited, even by SIGKILL, or let this process go. */
  onDisconnect(listener: () => void): void;
  onSignal(signal: 'SIGINT' | 'SIGTERM', listener: () => void): void;
  exit(code: number): void;
}

/** This process's parent, through Node's IPC channel (the process was forked). */
export function processParent(): ParentChannel {
  return {
    send: (message) => {
      // A callback, so that a channel closed meanwhile is not an 'error' event on `process`.
      if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
    },
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
    onSignal: (signal, listener) => process.on(signal, listener),
    exit: (code) => process.exit(code),
  };
}

/**
 * Runs the stream processor under the process that forked it (`ledger start`): reports `ready`
 * once every poller is started, and stops the pollers (their checkpoints saved), then exits, when
 * the parent asks, on SIGTERM, or when the parent is gone (the IPC channel closes even when it was
 * killed outright), within `graceMs`. SIGINT is left to the parent: Ctrl-C in a terminal reaches
 * the whole process group, and the parent stops its children in order.
 */
export async function runSupervised(
  start: () => Promise<LocalStreamProcessor>,
  logger: Logger,
  parent: ParentChannel,
  graceMs = STOP_GRACE_MS,
): Promise<void> {
  // Set once the pollers have started; a stop asked earlier has nothing to save.
  const started: { processor?: LocalStreamProcessor } = {};
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stream processor stopping');
    const deadline = setTimeout(() => {
      logger.warn({ graceMs }, 'stream processor did not stop in time: exiting');
      parent.exit(1);
    }, graceMs);
    (started.processor?.stop() ?? Promise.resolve()).then(
      () => {
        clearTimeout(deadline);
        parent.exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'error while stopping the stream processor');
        parent.exit(1);
      },
    );
  };
  parent.onDisconnect(() => stop('the process that started it is gone'));
  parent.onMessage((message) => {
    if (isStopStreamProcessor(message)) stop('asked by the process that started it');
  });
  parent.onSignal('SIGTERM', () => stop('SIGTERM'));
  parent.onSignal('SIGINT', () => undefined);

  const processor = await start();
  started.processor = processor;
  if (stopping) {
    await processor.stop();
    return;
  }
  parent.send({ type: 'ready', consumers: processor.consumers });
}
