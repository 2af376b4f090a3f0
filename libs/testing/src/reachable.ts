import { connect } from 'node:net';

/**
 * Whether a TCP connection to `host:port` is accepted. On Linux every 127.x.y.z address is this
 * machine, but a server bound to 127.0.0.1 alone refuses 127.0.0.2: the way a test tells a
 * loopback-only server from one listening on every interface.
 */
export function acceptsConnections(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
