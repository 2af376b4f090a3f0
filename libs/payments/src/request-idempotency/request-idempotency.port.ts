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
   * Claims the key. Throws IdempotencyKeyReusedError for another request body, RequestInProgressError
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

/**
 * Escapes one part of a record key: `%` and `#` (the separator) become `%25` and `%23`, so no part
 * can imitate a separator and two different (scope, key) pairs never meet in one record. Every
 * other character is kept, so a key without `%` or `#` keeps the record it had before.
 */
export const escapeKeyPart = (part: string): string =>
  part.replace(/%/g, '%25').replace(/#/g, '%23');

/** The scope of a request record: the tenant, the operation and the ids it acts on, each escaped. */
export const requestScope = (tenantId: string, operation: string, ...ids: string[]): string =>
  [tenantId, operation, ...ids].map(escapeKeyPart).join('#');
