export * from './receipt';
export * from './receipt-store.port';
export * from './infrastructure/dynamodb-receipt-store';
export * from './receipts.handler';
