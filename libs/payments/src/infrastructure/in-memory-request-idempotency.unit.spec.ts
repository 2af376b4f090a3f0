import { describeRequestIdempotencyContract } from '../request-idempotency/request-idempotency.contract';
import { InMemoryRequestIdempotency } from './in-memory-request-idempotency';

describeRequestIdempotencyContract('in memory', ({ clock, lockSeconds }) =>
  Promise.resolve({
    idempotency: new InMemoryRequestIdempotency({ clock, lockSeconds }),
    close: () => Promise.resolve(),
  }),
);
