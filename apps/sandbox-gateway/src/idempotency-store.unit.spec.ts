import { IdempotencyStore } from './idempotency-store';

describe('IdempotencyStore', () => {
  describe('when a key is new', () => {
    it('claims it', () => {
      expect(new IdempotencyStore().claim('k', 'a')).toEqual({ kind: 'claimed' });
    });
  });

  describe('when a key is held', () => {
    it('answers in_progress for the same request and reused for another', () => {
      const store = new IdempotencyStore();
      store.claim('k', 'a');

      expect(store.claim('k', 'a')).toEqual({ kind: 'in_progress' });
      expect(store.claim('k', 'b')).toEqual({ kind: 'reused' });
    });

    it('frees it on release', () => {
      const store = new IdempotencyStore();
      store.claim('k', 'a');

      store.release('k');

      expect(store.claim('k', 'b')).toEqual({ kind: 'claimed' });
    });
  });

  describe('when a key is completed', () => {
    it('replays the stored response and ignores a late release', () => {
      const store = new IdempotencyStore();
      store.claim('k', 'a');
      store.complete('k', { status: 201, body: { id: 'ch_1' } });

      store.release('k');

      expect(store.claim('k', 'a')).toEqual({
        kind: 'replay',
        response: { status: 201, body: { id: 'ch_1' } },
      });
    });
  });
});
