import { EVENT_CATALOG_V1 } from '../catalog/event-catalog.v1';
import { toEventBridgeEntry } from './event-bridge-entry';

describe('toEventBridgeEntry', () => {
  describe('when given an integration event', () => {
    it('puts source, detail-type and the JSON detail where PutEvents wants them', () => {
      const event = EVENT_CATALOG_V1['refund.succeeded'].example;

      const entry = toEventBridgeEntry(event, 'ledger-bus');

      expect(entry).toEqual({
        Source: 'integration-ledger',
        DetailType: 'refund.succeeded',
        Detail: JSON.stringify(event.detail),
        EventBusName: 'ledger-bus',
      });
      expect(JSON.parse(entry.Detail)).toEqual(event.detail);
    });

    it('leaves the bus to the default when none is named', () => {
      const entry = toEventBridgeEntry(EVENT_CATALOG_V1['payment.requested'].example);

      expect(entry).not.toHaveProperty('EventBusName');
    });
  });
});
