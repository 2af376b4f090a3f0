export * from './receipt';
export * from './receipt-store';
export * from './receipts.handler';
