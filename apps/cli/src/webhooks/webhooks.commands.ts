import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { ulid } from 'ulid';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import { loadCliConfig } from '../composition/cli-config';
import {
  buildPayload,
  deliveryIdSeen,
  findProvider,
  parseSendOptions,
  signedHeaders,
  type SendOptions,
} from './webhook-delivery';

/** `ledger webhooks send`: a signed delivery to the running service, as a provider would send. */
export function registerWebhookCommands(program: Command, env: () => LedgerEnv): void {
  program
    .command('webhooks')
    .description('Inbound webhooks: send a signed delivery as a provider would')
    .command('send')
    .description(
      "Sign a delivery with the provider's configured secret by its scheme (the configuration " +
        'the service reads: LEDGER_CONFIG_PARAMETER, else LEDGER_CONFIG, default ledger.config.yaml) and POST it to ' +
        '/webhooks/<provider> of the running service. The body is --file as it is, or one built ' +
        'for --event and --payment in the shape the provider sends. With --repeat N the same ' +
        'delivery (the same delivery id) is sent N times, --delay-ms apart: the service stores it ' +
        'once and answers the repeats duplicate: true. Prints each answer (status, body) on ' +
        'stdout; exit code 1 when an answer is not 2xx.',
    )
    .option('--provider <name>', 'the provider, as named under providers: in the configuration')
    .option('--tenant <id>', "only this tenant's providers (checks the provider is the tenant's)")
    .option('--file <payload.json>', 'send this file as the body, byte for byte')
    .option(
      '--event <type>',
      'build the body for this event type, e.g. payment.succeeded, payment.failed, refund.created',
    )
    .option('--payment <id>', "the ledger's payment id the built body names (with --event)")
    .option(
      '--id <deliveryId>',
      'the delivery id (default: a new one, kept across --repeat); stripe and hmac-sha256 ' +
        "providers take it from the body's id",
    )
    .option('--repeat <n>', 'send the same delivery this many times (default 1)')
    .option('--delay-ms <ms>', 'wait this long between two sends (default 0)')
    .option('--url <base>', 'the service (default http://127.0.0.1:$PORT, the local one)')
    .action(async (options: SendOptions) => {
      const request = parseSendOptions(options);
      const settings = env();
      const provider = findProvider(
        await loadCliConfig(settings),
        request.provider,
        request.tenant,
      );
      const deliveryId = request.deliveryId ?? `evt_${ulid().toLowerCase()}`;
      const body =
        'file' in request.body
          ? readPayloadFile(request.body.file)
          : Buffer.from(
              JSON.stringify(
                buildPayload(
                  provider.scheme,
                  request.body.event,
                  request.body.paymentId,
                  deliveryId,
                  new Date(),
                ),
              ),
            );
      const base = request.url ?? `http://127.0.0.1:${settings.port}`;
      const target = `${base}/webhooks/${encodeURIComponent(provider.name)}`;
      console.error(
        `POST ${target} (${provider.scheme}, tenant ${provider.tenant}, delivery ` +
          `${deliveryIdSeen(provider.scheme, body, deliveryId)})`,
      );
      let failed = false;
      for (let attempt = 1; attempt <= request.repeat; attempt++) {
        if (attempt > 1 && request.delayMs > 0) await sleep(request.delayMs);
        const answer = await post(
          target,
          body,
          signedHeaders(provider, body, deliveryId, new Date()),
        );
        console.log(`${attempt}/${request.repeat} ${answer.status} ${answer.body}`);
        if (answer.status < 200 || answer.status > 299) failed = true;
      }
      if (failed) process.exitCode = 1;
    });
}

function readPayloadFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`Cannot read --file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers, body }).catch((error: unknown) => {
    throw new UsageError(
      `Cannot reach the service at ${url}; is it running (\`npm start\`, or --url)? ` +
        (error as Error).message,
      { cause: error },
    );
  });
  return { status: response.status, body: await response.text() };
}
