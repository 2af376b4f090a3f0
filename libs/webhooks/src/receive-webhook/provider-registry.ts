import type { SchemeName, SignatureVerifier } from '../signatures/signature-scheme';
import { createVerifier } from '../signatures/signature-verifier.factory';

export interface ProviderSettings {
  name: string;
  tenant: string;
  scheme: SchemeName;
  secrets: readonly string[];
  toleranceSeconds?: number;
}

export interface RegisteredProvider {
  name: string;
  tenant: string;
  scheme: SchemeName;
  verifier: SignatureVerifier;
}

/** The configured webhook providers, each with its verifier built once at start-up. */
export class ProviderRegistry {
  private readonly providers = new Map<string, RegisteredProvider>();

  constructor(settings: readonly ProviderSettings[], clock: () => Date = () => new Date()) {
    for (const provider of settings) {
      this.providers.set(provider.name, {
        name: provider.name,
        tenant: provider.tenant,
        scheme: provider.scheme,
        verifier: createVerifier(provider.scheme, {
          secrets: provider.secrets,
          toleranceSeconds: provider.toleranceSeconds,
          clock,
        }),
      });
    }
  }

  find(name: string): RegisteredProvider | undefined {
    return this.providers.get(name);
  }
}
