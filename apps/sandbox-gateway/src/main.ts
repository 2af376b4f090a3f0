import { sandboxGatewayOptionsFromEnv } from './sandbox-gateway.env';
import { startSandboxGateway } from './sandbox-gateway.server';

/** JSON lines on stdout, like the rest of the local stack. */
function log(msg: string, fields: object = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}

/** The sandbox gateway on its own, configured from the environment (see the README). */
async function main(): Promise<void> {
  const gateway = await startSandboxGateway({ ...sandboxGatewayOptionsFromEnv(), log });
  log('sandbox gateway ready', { url: gateway.url });
  const shutdown = (signal: NodeJS.Signals): void => {
    log('sandbox gateway stopping', { signal });
    void gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log('sandbox gateway failed to stop', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
