export * from '../infrastructure/in-memory-dead-letters';
export * from './dead-letters.contract';
