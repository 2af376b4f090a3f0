import { createHash, timingSafeEqual } from 'node:crypto';
import type { TenantConfig } from '@ledger/config';

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * Maps API keys to tenants. Keys are held only as SHA-256 digests and compared in constant time
 * against every configured key, so neither the lookup nor its timing reveals anything about them.
 */
export class ApiKeyRegistry {
  private readonly entries: { digest: Buffer; tenantId: string }[];

  constructor(tenants: readonly TenantConfig[]) {
    this.entries = tenants.flatMap((tenant) =>
      tenant.apiKeys.map((key) => ({ digest: digest(key), tenantId: tenant.id })),
    );
  }

  /** The tenant a presented key belongs to, if any. */
  tenantFor(presented: string): string | undefined {
    const candidate = digest(presented);
    let tenantId: string | undefined;
    for (const entry of this.entries) {
      // No early exit: every key is compared whatever matched.
      if (timingSafeEqual(entry.digest, candidate)) tenantId = entry.tenantId;
    }
    return tenantId;
  }
}
