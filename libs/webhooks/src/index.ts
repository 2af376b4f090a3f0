export * from './signatures/signature-scheme';
export * from './signatures/signature.errors';
export * from './signatures/standard-webhooks.signature';
export * from './signatures/stripe.signature';
export * from './signatures/github.signature';
export * from './signatures/hmac-sha256.signature';
export * from './signatures/signature-verifier.factory';
export * from './signatures/sign';
