export * from './event';
export * from './errors';
export * from './event-store.port';
export * from './global-event-log.port';
export * from './upcasting/upcaster';
export * from './append/retry-on-conflict';
export * from './time-index/time-index';
export { mergeSorted } from './time-index/merge';
export { newUlid, pooledRandom } from './event-id';
