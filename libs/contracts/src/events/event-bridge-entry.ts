import type { IntegrationEvent } from './integration-events.v1';

/**
 * The members of an EventBridge `PutEvents` entry this contract fixes. Structurally a
 * `PutEventsRequestEntry` of `@aws-sdk/client-eventbridge`, without importing the SDK here.
 */
export type EventBridgeEntry = {
  Source: string;
  DetailType: string;
  /** The detail as JSON text, as `PutEvents` wants it. */
  Detail: string;
  EventBusName?: string;
};

/** The `PutEvents` entry of an integration event: `Source`, `DetailType` and `Detail` as documented. */
export function toEventBridgeEntry(
  event: IntegrationEvent,
  eventBusName?: string,
): EventBridgeEntry {
  return {
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(eventBusName === undefined ? {} : { EventBusName: eventBusName }),
  };
}
