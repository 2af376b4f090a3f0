import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * An EventBridge client for `endpoint` (the local bus, with placeholder credentials it ignores)
 * or, when undefined, for AWS with the default credential chain and region.
 */
export function createEventBridgeClient(endpoint?: string): EventBridgeClient {
  if (endpoint === undefined) return new EventBridgeClient({});
  return new EventBridgeClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}
