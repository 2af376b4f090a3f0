export * from './payment-view/payment-view.projection';
export * from './payment-view/payment-documents.port';
export * from './payment-view/projector.consumer';
export * from './infrastructure/dynamodb-payment-documents';
export * from './queries/payment-queries';
