export * from './pattern';
export * from './local-bus/local-bus.types';
export * from './local-bus/local-bus.server';
export * from './local-bus/template-rules';
export * from './dead-letters/dead-letters.port';
