import pino, { type Logger } from 'pino';

interface LogDestination {
  write(chunk: string): unknown;
}

/**
 * Writes lines another process logged (one JSON object each, as `createLogger` writes them) to
 * `logger`'s own destination, unchanged and in order with its lines; anything else it printed
 * (a crash's stack on stderr, a Node warning) becomes a line of `logger`, at `level`, with `fields`.
 */
export function forwardLogLine(
  logger: Logger,
  line: string,
  fields: Record<string, unknown>,
  level: 'info' | 'warn' | 'error' = 'info',
): void {
  if (line.trim() === '') return;
  if (line.startsWith('{') && line.endsWith('}')) {
    const destination = (logger as unknown as Record<symbol, LogDestination | undefined>)[
      pino.symbols.streamSym
    ];
    if (destination !== undefined) {
      destination.write(`${line}\n`);
      return;
    }
  }
  logger[level](fields, line);
}
