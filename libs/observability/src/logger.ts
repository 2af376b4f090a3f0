import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/** Header and field names whose values never reach a log line. */
const REDACTED = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["stripe-signature"]',
  '*.headers["webhook-signature"]',
  '*.headers["svix-signature"]',
  '*.headers["x-signature"]',
  '*.headers["x-hub-signature-256"]',
  '*.apiKey',
  '*.secret',
  '*.secrets',
];

/** The one structured JSON logger of a process; each line carries the current correlation id. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'integration-ledger' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED, censor: '[redacted]' },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId === undefined ? {} : { correlationId };
    },
  });
}

/** Nest's logger interface over the process's pino logger, so Nest's own lines are JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
