import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TableNotActiveError } from './engine.errors';

/**
 * Creates each table unless it exists, adds the global secondary indexes a table made by an
 * older release lacks (a data dir kept between runs), then waits until all are ACTIVE. Idempotent.
 */
export async function ensureTables(
  client: DynamoDBClient,
  definitions: CreateTableCommandInput[],
): Promise<void> {
  await Promise.all(
    definitions.map(async (definition) => {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await addMissingIndexes(client, definition);
      }
      await waitUntilActive(client, definition.TableName);
    }),
  );
}

// DynamoDB adds one index per UpdateTable, and only once the table and its indexes are ACTIVE.
async function addMissingIndexes(
  client: DynamoDBClient,
  definition: CreateTableCommandInput,
): Promise<void> {
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: definition.TableName }),
    );
    const present = (Table?.GlobalSecondaryIndexes ?? []).some(
      (existing) => existing.IndexName === index.IndexName,
    );
    if (present) continue;
    await waitUntilActive(client, definition.TableName);
    await client.send(
      new UpdateTableCommand({
        TableName: definition.TableName,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            },
          },
        ],
      }),
    );
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string | undefined) {
  for (let i = 0; i < 600; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new TableNotActiveError(tableName);
}
