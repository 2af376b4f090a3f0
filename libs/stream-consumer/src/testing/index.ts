export * from '../infrastructure/in-memory-checkpoint-store';
export * from '../infrastructure/in-memory-parking-lot';
export * from './checkpoint-store.contract';
export * from './parking-lot.contract';
