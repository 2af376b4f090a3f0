import { TenantGateways } from '@ledger/outbound';
import { HealthController, ServiceUnavailableError } from './health.controller';
import type { BacklogProbe, BusProbe, ConsumersState, StorageProbe } from './health-probes.port';

const probe = (up: boolean): StorageProbe & BusProbe => ({ reachable: () => Promise.resolve(up) });
const backlog = (requested?: number): BacklogProbe => ({
  waiting: () =>
    Promise.resolve(requested === undefined ? undefined : { requested, atLeast: false }),
});

describe('the health check on its probes', () => {
  describe('when the storage and the bus answer', () => {
    it('reports ok', async () => {
      const health = new HealthController(
        probe(true),
        new TenantGateways(new Map()),
        probe(true),
        backlog(0),
      );

      const report = await health.health();

      expect(report).toMatchObject({ status: 'ok', dynamodb: 'up', bus: 'up' });
    });
  });

  describe('when only the bus is down', () => {
    it('reports degraded', async () => {
      const health = new HealthController(
        probe(true),
        new TenantGateways(new Map()),
        probe(false),
        backlog(0),
      );

      const report = await health.health();

      expect(report).toMatchObject({ status: 'degraded', dynamodb: 'up', bus: 'down' });
    });
  });

  describe("when `ledger start` reports its stream consumers' process", () => {
    it('reports it, ok while it runs', async () => {
      const consumers = { state: (): ConsumersState => 'running' };
      const health = new HealthController(
        probe(true),
        new TenantGateways(new Map()),
        probe(true),
        backlog(0),
        consumers,
      );

      const report = await health.health();

      expect(report).toMatchObject({ status: 'ok', consumers: 'running' });
    });

    it.each<ConsumersState>(['restarting', 'failed'])(
      'reports degraded while it is %s',
      async (state) => {
        const health = new HealthController(
          probe(true),
          new TenantGateways(new Map()),
          probe(true),
          backlog(0),
          { state: () => state },
        );

        const report = await health.health();

        expect(report).toMatchObject({ status: 'degraded', bus: 'up', consumers: state });
      },
    );
  });

  describe('when no consumers process is visible (an API of its own, a Lambda function)', () => {
    it('leaves consumers out of the report', async () => {
      const health = new HealthController(
        probe(true),
        new TenantGateways(new Map()),
        probe(true),
        backlog(0),
      );

      const report = await health.health();

      expect(report).not.toHaveProperty('consumers');
    });
  });

  describe('when accepted payments wait for the charger', () => {
    it('reports how many, and leaves the count out when the read model does not answer', async () => {
      const gateways = new TenantGateways(new Map());
      const waiting = new HealthController(probe(true), gateways, probe(true), backlog(7));
      const unknown = new HealthController(probe(true), gateways, probe(true), backlog());

      const report = await waiting.health();
      const withoutCount = await unknown.health();

      expect(report.backlog).toEqual({ requested: 7, atLeast: false });
      expect(withoutCount).not.toHaveProperty('backlog');
    });
  });

  describe('when the storage is down', () => {
    it('refuses with the 503 error carrying the checks', async () => {
      const health = new HealthController(
        probe(false),
        new TenantGateways(new Map()),
        probe(true),
        backlog(0),
      );

      const checked = health.health();

      await expect(checked).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(checked).rejects.toMatchObject({ status: 503 });
    });
  });
});
