/** A stored response, replayed for a repeat of the same request. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/** What `begin` found for a key. */
export type BeginResult =
  /** First use: go ahead. `resourceId` is the id this request owns from now on. */
  | { state: 'started'; resourceId: string }
  /** A run with this key died without finishing; carry on with the same resource. */
  | { state: 'resumed'; resourceId: string }
  /** Already done: answer this. */
  | { state: 'completed'; response: StoredResponse };

/**
 * Idempotency of HTTP commands (the IETF Idempotency-Key draft, as Stripe does it): one record per
 * tenant, operation and key, holding the request's hash, a lock while it runs, and the response.
 */
export interface RequestIdempotency {
  /**
   * Claims the key. Throws RequestKeyReusedError for another request body, RequestInProgressError
   * while the first run holds its lock.
   */
  begin(
    scope: string,
    key: string,
    requestHash: string,
    newResourceId: string,
  ): Promise<BeginResult>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
}
