import { join } from 'node:path';

/**
 * The stream processor's entry, as built (`dist/apps/stream-processor/src/main.js`): what
 * `ledger start` forks to run the consumers in a process of their own.
 */
export const STREAM_PROCESSOR_MAIN = join(__dirname, '..', 'main.js');

/** What the stream processor's process tells the process that forked it, over the IPC channel. */
export interface StreamProcessorReady {
  type: 'ready';
  /** The consumers now polling, by name. */
  consumers: string[];
}

/** What the forking process tells the stream processor: stop the pollers, then exit. */
export interface StopStreamProcessor {
  type: 'stop';
}

/** Whether an IPC message is the stream processor's ready report. */
export function isStreamProcessorReady(message: unknown): message is StreamProcessorReady {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'ready' &&
    Array.isArray((message as { consumers?: unknown }).consumers)
  );
}

/** Whether an IPC message asks the stream processor to stop. */
export function isStopStreamProcessor(message: unknown): message is StopStreamProcessor {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'stop'
  );
}
