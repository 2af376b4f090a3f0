import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** Creates each table unless it exists, then waits until all are ACTIVE. Idempotent. */
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
      }
      for (let i = 0; i < 600; i++) {
        const { Table } = await client.send(
          new DescribeTableCommand({ TableName: definition.TableName }),
        );
        const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every(
          (index) => index.IndexStatus === 'ACTIVE',
        );
        if (Table?.TableStatus === 'ACTIVE' && indexesReady) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Table ${definition.TableName} did not become ACTIVE`);
    }),
  );
}
