/**
 * The webhooks lib's helpers for specs (signed deliveries through the real receiver). Imported as
 * `@ledger/webhooks/testing`; nothing outside specs imports it.
 */
export * from './testing/signed-deliveries';
