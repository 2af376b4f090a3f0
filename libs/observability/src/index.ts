export * from './correlation';
export * from './log-forwarding';
export * from './logger';
export type { Logger } from 'pino';
