import { waitUntil } from '@ledger/testing';

/**
 * Polls `GET /payments/{id}` until the read model reflects at least `version`, then returns that
 * view: the projector may still be catching up (after a restart, on a busy machine), and the
 * endpoint's own `minVersion` wait is brief by design.
 */
export async function paymentViewAt(
  baseUrl: string,
  headers: Record<string, string>,
  paymentId: string,
  version: number,
): Promise<Record<string, unknown>> {
  let view: Record<string, unknown> = {};
  await waitUntil(
    async () => {
      const response = await fetch(`${baseUrl}/payments/${paymentId}?minVersion=${version}`, {
        headers,
      });
      view = (await response.json()) as Record<string, unknown>;
      return response.status === 200 && Number(view.version) >= version;
    },
    { what: `payment ${paymentId} at version ${version} in the read model`, intervalMs: 100 },
  );
  return view;
}
