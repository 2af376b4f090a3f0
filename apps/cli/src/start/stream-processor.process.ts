import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { forwardLogLine, type Logger } from '@ledger/observability';
import {
  isStreamProcessorReady,
  STREAM_PROCESSOR_MAIN,
  type StopStreamProcessor,
  type StreamProcessorReady,
} from '@ledger/stream-processor-app';
import type { LaunchChild } from './supervisor';

/** How its forwarded lines are marked where they are not its own JSON log lines. */
const COMPONENT = 'stream-processor';

/**
 * Launches the stream processor's entry (`STREAM_PROCESSOR_MAIN`) as a child process with an IPC
 * channel, its environment `env` (the engine's endpoint and the bus's URL included), and its
 * output forwarded through `logger`: its JSON log lines as they are, anything else as lines of
 * `logger`.
 */
export function launchStreamProcessor(options: {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  entry?: string;
}): LaunchChild<StreamProcessorReady> {
  const { env, logger, entry = STREAM_PROCESSOR_MAIN } = options;
  return (events) => {
    const child = fork(entry, [], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const fields = { component: COMPONENT, pid: child.pid };
    forwardLines(child.stdout, (line) => forwardLogLine(logger, line, fields));
    forwardLines(child.stderr, (line) => forwardLogLine(logger, line, fields, 'warn'));
    child.on('message', (message) => {
      if (isStreamProcessorReady(message)) events.ready(message);
    });
    let gone = false;
    const exited = (code: number | null, signal: string | null): void => {
      if (gone) return;
      gone = true;
      events.exited({ code, signal });
    };
    // 'close': the process exited and its output is read to the end.
    child.once('close', exited);
    child.on('error', (error) => {
      logger.error({ err: error, ...fields }, 'stream processor process error');
      // A fork that never started emits no 'close'.
      if (child.pid === undefined) exited(null, null);
    });
    return {
      pid: child.pid,
      stop: () => {
        const order: StopStreamProcessor = { type: 'stop' };
        if (child.connected) {
          child.send(order, (error) => {
            if (error) child.kill('SIGTERM');
          });
        } else {
          child.kill('SIGTERM');
        }
      },
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}

function forwardLines(stream: Readable | null, write: (line: string) => void): void {
  if (stream === null) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', write);
}
