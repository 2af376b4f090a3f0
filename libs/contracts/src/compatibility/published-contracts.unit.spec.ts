import { DETAIL_TYPES } from '../events/integration-events.v1';
import { breakingChanges } from './breaking-changes';
import { describeContracts, type PublishedContracts } from './contract-shape';
import published from './published-contracts.v1.json';

/**
 * The guard for consumers: the committed snapshot is what was published. If this fails, the
 * change breaks somebody; make it additive, or publish it as a new schema version. After a
 * release that only added fields or detail-types, extend the snapshot with them.
 */
describe('the published v1 contracts', () => {
  describe('when compared with the schemas as they are now', () => {
    it('have no breaking change', () => {
      expect(breakingChanges(published as PublishedContracts, describeContracts())).toEqual([]);
    });
  });

  describe('when a schema in the tree were doctored', () => {
    it('would be caught (the guard compares real schemas, not the snapshot with itself)', () => {
      const current = describeContracts();
      delete current.detailTypes['payment.succeeded']?.fields['data.capturedAmount'];

      expect(breakingChanges(published as PublishedContracts, current)).toEqual([
        'payment.succeeded: field data.capturedAmount removed',
      ]);
    });
  });

  it('cover every detail-type the lib publishes', () => {
    expect(Object.keys(published.detailTypes).sort()).toEqual([...DETAIL_TYPES].sort());
  });
});
