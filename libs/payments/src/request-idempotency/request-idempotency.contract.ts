/**
 * The contract of the `RequestIdempotency` port, run against every adapter (in memory as a unit
 * spec, DynamoDB Local as an int spec).
 */
import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { RequestInProgressError } from './request-idempotency.errors';
import { requestScope, type RequestIdempotency } from './request-idempotency.port';

export interface RequestIdempotencyUnderTest {
  idempotency: RequestIdempotency;
  close(): Promise<void>;
}

export type RequestIdempotencyFactory = (options: {
  clock: () => Date;
  lockSeconds: number;
}) => Promise<RequestIdempotencyUnderTest>;

/** Runs the request-idempotency contract against the adapter `factory` makes. */
export function describeRequestIdempotencyContract(
  adapter: string,
  factory: RequestIdempotencyFactory,
): void {
  describe(`RequestIdempotency contract: ${adapter}`, () => {
    let subject: RequestIdempotencyUnderTest;
    let idempotency: RequestIdempotency;
    let now = new Date('2026-06-01T10:00:00.000Z');
    const later = (seconds: number): void => {
      now = new Date(now.getTime() + seconds * 1000);
    };

    beforeAll(async () => {
      subject = await factory({ clock: () => now, lockSeconds: 30 });
      idempotency = subject.idempotency;
    });

    afterAll(() => subject.close());

    describe('when a key is new', () => {
      it('starts with the resource id the caller proposed', async () => {
        const scope = requestScope('acme', 'create-payment');

        expect(await idempotency.begin(scope, 'new-1', 'hash-a', 'pay_1')).toEqual({
          state: 'started',
          resourceId: 'pay_1',
        });
      });
    });

    describe('when the first run still holds the key', () => {
      it('refuses the same request as in progress, and another body as a reused key', async () => {
        const scope = requestScope('acme', 'create-payment');
        await idempotency.begin(scope, 'busy', 'hash-a', 'pay_busy');

        await expect(
          idempotency.begin(scope, 'busy', 'hash-a', 'pay_other'),
        ).rejects.toBeInstanceOf(RequestInProgressError);
        await expect(
          idempotency.begin(scope, 'busy', 'hash-b', 'pay_other'),
        ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      });
    });

    describe('when the first run completed', () => {
      it('answers a repeat with the stored response, and another body as a reused key', async () => {
        const scope = requestScope('acme', 'create-payment');
        await idempotency.begin(scope, 'done', 'hash-a', 'pay_done');
        const response = { statusCode: 201, body: { paymentId: 'pay_done', version: 3 } };
        await idempotency.complete(scope, 'done', response);
        later(3600);

        expect(await idempotency.begin(scope, 'done', 'hash-a', 'pay_again')).toEqual({
          state: 'completed',
          response,
        });
        await expect(idempotency.begin(scope, 'done', 'hash-b', 'pay_again')).rejects.toMatchObject(
          { code: 'idempotency_key_reused' },
        );
      });
    });

    describe('when the first run died holding the key', () => {
      it('lets the same request resume with the first resource once the lock expired', async () => {
        const scope = requestScope('acme', 'create-payment');
        await idempotency.begin(scope, 'died', 'hash-a', 'pay_first');
        later(31);

        const resumed = await idempotency.begin(scope, 'died', 'hash-a', 'pay_second');

        expect(resumed).toEqual({ state: 'resumed', resourceId: 'pay_first' });
        // The resumed run holds the lock afresh.
        await expect(
          idempotency.begin(scope, 'died', 'hash-a', 'pay_third'),
        ).rejects.toBeInstanceOf(RequestInProgressError);
        later(31);
        expect(await idempotency.begin(scope, 'died', 'hash-a', 'pay_fourth')).toEqual({
          state: 'resumed',
          resourceId: 'pay_first',
        });
      });

      it('still refuses another body', async () => {
        const scope = requestScope('acme', 'create-payment');
        await idempotency.begin(scope, 'died-2', 'hash-a', 'pay_first');
        later(31);

        await expect(
          idempotency.begin(scope, 'died-2', 'hash-b', 'pay_second'),
        ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      });
    });

    describe('when scopes differ', () => {
      it('keeps the same key of two tenants and two operations apart', async () => {
        await idempotency.begin(requestScope('acme', 'create-payment'), 'k', 'hash-a', 'pay_a');

        const other = await Promise.all([
          idempotency.begin(requestScope('globex', 'create-payment'), 'k', 'hash-b', 'pay_g'),
          idempotency.begin(requestScope('acme', 'refund', 'pay_a'), 'k', 'hash-c', 're_a'),
        ]);

        expect(other.map((result) => result.state)).toEqual(['started', 'started']);
      });
    });

    describe('when a key and an id could be spelled to meet in one record', () => {
      it('keeps them apart: no part imitates a separator', async () => {
        const first = requestScope('acme', 'refund', 'pay_P#k');
        await idempotency.begin(first, 'x', 'hash-a', 're_1');
        await idempotency.complete(first, 'x', { statusCode: 404, body: { code: 'not_found' } });

        const second = await idempotency.begin(
          requestScope('acme', 'refund', 'pay_P'),
          'k#x',
          'hash-a',
          're_2',
        );

        expect(second).toEqual({ state: 'started', resourceId: 're_2' });
      });

      it('keeps an escaped-looking key apart from the character it spells', async () => {
        const scope = requestScope('acme', 'create-payment');
        await idempotency.begin(scope, 'a%23b', 'hash-b', 'pay_1');
        await idempotency.complete(scope, 'a%23b', { statusCode: 201, body: {} });

        const other = await idempotency.begin(scope, 'a#b', 'hash-b', 'pay_2');

        expect(other).toEqual({ state: 'started', resourceId: 'pay_2' });
      });
    });
  });
}
