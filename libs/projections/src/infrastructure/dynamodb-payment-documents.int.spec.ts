import { createTestLedger } from '@ledger/testing';
import { describePaymentDocumentsContract } from '../payment-view/payment-documents.contract';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';

describePaymentDocumentsContract('DynamoDB', async () => {
  const ledger = await createTestLedger('payment-documents');
  return {
    documentsOf: (generation) =>
      new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, generation),
    close: () => ledger.close(),
  };
});
