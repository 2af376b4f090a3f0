import { closeLedgerStorage } from './close-ledger-storage';
import { createLedgerStorage } from './ledger-storage';
import { ledgerTables } from './tables';

describe('ledgerTables', () => {
  describe('when only a prefix is given (locally)', () => {
    it('names every table <prefix><name>', () => {
      expect(ledgerTables('dev-')).toEqual({
        events: 'dev-events',
        idempotency: 'dev-idempotency',
        readModels: 'dev-read-models',
        meta: 'dev-meta',
      });
    });
  });

  describe('when a stack passes some names of its own', () => {
    it('uses each given name and the prefix for the rest', () => {
      const tables = ledgerTables('ledger-', {
        events: 'prod-EventsTable-1AB2',
        meta: 'prod-MetaTable-3CD4',
      });

      expect(tables).toEqual({
        events: 'prod-EventsTable-1AB2',
        idempotency: 'ledger-idempotency',
        readModels: 'ledger-read-models',
        meta: 'prod-MetaTable-3CD4',
      });
    });
  });
});

describe('createLedgerStorage', () => {
  it('opens the tables the names say, for every adapter built on it', () => {
    // Opening sends nothing: an endpoint nobody listens on is enough.
    const storage = createLedgerStorage({
      endpoint: 'http://127.0.0.1:9',
      tablePrefix: 'unit-',
      tableNames: { readModels: 'stack-ReadModelsTable-9Z' },
    });

    expect(storage.tables.readModels).toBe('stack-ReadModelsTable-9Z');
    expect(storage.tables.events).toBe('unit-events');
    closeLedgerStorage(storage);
  });
});
