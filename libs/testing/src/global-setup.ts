// Jest runs global setup outside the module map, so the @ledger/* aliases come from tsconfig.
import 'tsconfig-paths/register';
import { startDynamoDbLocal } from '@ledger/local-engine';

/**
 * Starts one in-memory DynamoDB Local for the whole integration run; every test file makes its
 * own tables under a unique prefix, so files run in parallel without sharing state.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DYNAMODB_ENDPOINT) return;
  const engine = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = engine.endpoint;
  (globalThis as { __LEDGER_ENGINE__?: typeof engine }).__LEDGER_ENGINE__ = engine;
}
