import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import {
  ReconcilePayment,
  RequestPayment,
  RequestPaymentBatch,
  RequestRefund,
} from '@ledger/payments';
import { GetPayment, GetPaymentHistory, ListPayments } from '@ledger/projections';
import { GetReplayJob, ListReplayJobs, StartReplay } from '@ledger/replay';
import { ReceiveWebhook } from '@ledger/webhooks';
import { apiUseCases, type ApiHandlers } from './api-use-cases';
import {
  commandHandler,
  queryHandler,
  useCaseProviders,
  type UseCaseBinding,
} from './use-case-bindings';

class Ping {
  constructor(readonly text: string) {}
}
class Count {
  constructor(readonly upTo: number) {}
}

/** A Nest application context with the CQRS module and these bindings, as the API module has. */
async function contextWith(bindings: readonly UseCaseBinding[]): Promise<INestApplicationContext> {
  @Module({ imports: [CqrsModule.forRoot()], providers: useCaseProviders(bindings) })
  class TestModule {}
  return NestFactory.createApplicationContext(TestModule, { logger: false });
}

/** A handler that answers with its own name and remembers what it was given. */
function recording(name: string): { execute(message: object): Promise<string>; seen: object[] } {
  const seen: object[] = [];
  return {
    seen,
    execute: (message) => {
      seen.push(message);
      return Promise.resolve(name);
    },
  };
}

describe('use-case bindings', () => {
  let context: INestApplicationContext | undefined;
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  describe('when a command and a query are bound', () => {
    it('dispatches each through its bus to its handler, and answers with its result', async () => {
      const ping = { execute: (c: Ping) => Promise.resolve(`pong ${c.text}`) };
      const count = { execute: (q: Count) => Promise.resolve(q.upTo * 2) };
      context = await contextWith([commandHandler(Ping, ping), queryHandler(Count, count)]);

      const pong = await context.get(CommandBus).execute<Ping, string>(new Ping('hi'));
      const counted = await context.get(QueryBus).execute<Count, number>(new Count(21));

      expect(pong).toBe('pong hi');
      expect(counted).toBe(42);
    });

    it("passes each handler's refusal to the caller unchanged", async () => {
      const refusal = new RangeError('refused');
      context = await contextWith([
        commandHandler(Ping, { execute: () => Promise.reject(refusal) }),
        queryHandler(Count, { execute: () => Promise.reject(refusal) }),
      ]);

      await expect(context.get(CommandBus).execute(new Ping('x'))).rejects.toBe(refusal);
      await expect(context.get(QueryBus).execute(new Count(1))).rejects.toBe(refusal);
    });
  });

  describe('when a message is bound to two handlers', () => {
    it('refuses the bindings', () => {
      const handler = { execute: () => Promise.resolve('') };

      expect(() =>
        useCaseProviders([commandHandler(Ping, handler), commandHandler(Ping, handler)]),
      ).toThrow('Ping is bound to more than one handler');
    });
  });

  describe("the API's use cases", () => {
    it('send every command and query to its own handler', async () => {
      const handlers = {
        requestPayment: recording('requestPayment'),
        requestRefund: recording('requestRefund'),
        requestPaymentBatch: recording('requestPaymentBatch'),
        reconcilePayment: recording('reconcilePayment'),
        receiveWebhook: recording('receiveWebhook'),
        startReplay: recording('startReplay'),
        getPayment: recording('getPayment'),
        getPaymentHistory: recording('getPaymentHistory'),
        listPayments: recording('listPayments'),
        getReplayJob: recording('getReplayJob'),
        listReplayJobs: recording('listReplayJobs'),
      };
      context = await contextWith(apiUseCases(handlers as unknown as ApiHandlers));
      const commands = context.get(CommandBus);
      const queries = context.get(QueryBus);
      const operator = { kind: 'operator', operatorId: 'ops' } as const;
      const dispatched: Array<[keyof typeof handlers, object, 'command' | 'query']> = [
        [
          'requestPayment',
          new RequestPayment('acme', 'k', { amount: 1, currency: 'EUR' }),
          'command',
        ],
        ['requestPaymentBatch', new RequestPaymentBatch('acme', []), 'command'],
        ['requestRefund', new RequestRefund('acme', 'pay_1', 'k', { amount: 1 }), 'command'],
        ['reconcilePayment', new ReconcilePayment('acme', 'pay_1'), 'command'],
        ['receiveWebhook', new ReceiveWebhook('sandbox', Buffer.from('{}'), {}, '::1'), 'command'],
        ['startReplay', new StartReplay(operator, { kind: 'rebuild', storeWide: true }), 'command'],
        ['getPayment', new GetPayment('acme', 'pay_1'), 'query'],
        ['getPaymentHistory', new GetPaymentHistory('acme', 'pay_1', { limit: 10 }), 'query'],
        ['listPayments', new ListPayments({ tenantId: 'acme', limit: 10 }), 'query'],
        ['getReplayJob', new GetReplayJob(operator, 'r1'), 'query'],
        ['listReplayJobs', new ListReplayJobs(operator, 20), 'query'],
      ];

      for (const [name, message, bus] of dispatched) {
        const answer =
          bus === 'command'
            ? await commands.execute<object, string>(message)
            : await queries.execute<object, string>(message);
        expect(answer).toBe(name);
        expect(handlers[name].seen).toEqual([message]);
      }
    });
  });
});
