import { createDynamoDbClient } from '@ledger/event-store/aws';
import { createLogger } from '@ledger/observability';
import { DynamoDbReceiptStore } from './infrastructure/dynamodb-receipt-store';
import { createReceiptsHandler, type ReceiptEvent } from './receipts.handler';

// The composition root of PaymentReceiptsFunction: a consuming team's own table settings. The
// stack names its table (RECEIPTS_TABLE); locally the ledger's read-models table by its prefix.
const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
const handleEvent = createReceiptsHandler(
  new DynamoDbReceiptStore(
    createDynamoDbClient(process.env.DYNAMODB_ENDPOINT),
    process.env.RECEIPTS_TABLE || `${process.env.TABLE_PREFIX ?? 'ledger-'}read-models`,
  ),
  { log: (message, fields) => logger.info(fields, message) },
);

/** EventBridge rule target (template.yaml: PaymentReceiptsFunction). A throw makes EventBridge retry. */
export const handler = (event: ReceiptEvent): Promise<void> => handleEvent(event);
