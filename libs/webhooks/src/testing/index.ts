export * from '../infrastructure/in-memory-delivery-stats';
export * from './delivery-stats.contract';
