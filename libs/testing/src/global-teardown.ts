// Jest runs global setup outside the module map, so the @ledger/* aliases come from tsconfig.
import 'tsconfig-paths/register';
import type { RunningDynamoDbLocal } from '@ledger/local-engine';

export default async function globalTeardown(): Promise<void> {
  const engine = (globalThis as { __LEDGER_ENGINE__?: RunningDynamoDbLocal }).__LEDGER_ENGINE__;
  await engine?.stop();
}
