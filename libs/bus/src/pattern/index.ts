export { InvalidEventPatternError } from './event-pattern.errors';
export { matchesEventPattern, parseEventPattern } from './event-pattern.parser';
export type { CompiledPattern, EventPattern } from './event-pattern.types';
