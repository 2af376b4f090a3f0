export * from './api-dependencies';
export * from './compose-api';
export * from './create-api-app';
export * from './http/problem-details';
export * from './compose-sweeper';
