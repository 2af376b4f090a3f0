/**
 * The payment workflow on the in-memory twins of its ports, for the command handlers' unit specs.
 * Plain TypeScript (no Jest globals): the build compiles every file not named `*.spec.ts`.
 */
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { paymentStreamId } from '@ledger/ledger';
import { InMemoryRequestIdempotency } from '../infrastructure/in-memory-request-idempotency';
import { PaymentWorkflow } from './payment-workflow';
import { ScriptedGateway } from './scripted-payment-gateway.spec-helper';

/** acme's workflow with a scripted gateway, ids `0001`, `0002`... and a clock the test moves. */
export function workflowOnTwins() {
  let now = new Date('2026-03-01T12:00:00.000Z').getTime();
  const clock = (): Date => new Date(now);
  const store = new InMemoryEventStore({ clock });
  const gateway = new ScriptedGateway('acme');
  let ids = 0;
  const workflow = new PaymentWorkflow(
    store,
    () => gateway,
    new InMemoryRequestIdempotency({ clock }),
    clock,
    () => String(++ids).padStart(4, '0'),
  );
  return {
    workflow,
    store,
    gateway,
    advance(ms: number): void {
      now += ms;
    },
    /** The types of the events on a payment's stream, in order. */
    async typesOf(tenantId: string, paymentId: string): Promise<string[]> {
      const types: string[] = [];
      for await (const event of store.readWholeStream(paymentStreamId(tenantId, paymentId))) {
        types.push(event.type);
      }
      return types;
    },
  };
}
