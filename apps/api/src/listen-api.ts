import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { reachableHost } from '@ledger/config';

/** Where a server really listens, as its socket says (not as it was asked). */
export interface ListeningAddress {
  /** The bound address, e.g. 127.0.0.1, or 0.0.0.0 for every interface. */
  address: string;
  port: number;
  /** How a client on this machine reaches it. */
  url: string;
}

/** Starts the API on `host` and `port` (0: any free one); resolves with what it is bound to. */
export async function listenApi(
  app: NestFastifyApplication,
  port: number,
  host: string,
): Promise<ListeningAddress> {
  await app.listen({ port, host });
  return boundAddress(app.getHttpServer().address() as AddressInfo);
}

/** The address a listening socket reports, with the URL a local client uses. */
export function boundAddress({ address, port }: AddressInfo): ListeningAddress {
  return { address, port, url: `http://${reachableHost(address)}:${port}` };
}
