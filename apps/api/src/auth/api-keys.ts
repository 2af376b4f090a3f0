import { createHash, timingSafeEqual } from 'node:crypto';
import type { OperatorConfig, TenantConfig } from '@ledger/config';

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * Who an API key speaks for: one tenant (with the admin grant when the key is one of its
 * `adminKeys`), or an operator (store-wide admin work).
 */
export type Principal =
  { kind: 'tenant'; tenantId: string; admin: boolean } | { kind: 'operator'; operatorId: string };

/**
 * Maps API keys to tenants and operators. Keys are held only as SHA-256 digests and compared in
 * constant time against every configured key, so neither the lookup nor its timing reveals
 * anything about them.
 */
export class ApiKeyRegistry {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(tenants: readonly TenantConfig[], operators: readonly OperatorConfig[] = []) {
    this.entries = [
      ...tenants.flatMap((tenant) => [
        ...tenant.apiKeys.map((key) => ({
          digest: digest(key),
          principal: { kind: 'tenant' as const, tenantId: tenant.id, admin: false },
        })),
        ...tenant.adminKeys.map((key) => ({
          digest: digest(key),
          principal: { kind: 'tenant' as const, tenantId: tenant.id, admin: true },
        })),
      ]),
      ...operators.flatMap((operator) =>
        operator.apiKeys.map((key) => ({
          digest: digest(key),
          principal: { kind: 'operator' as const, operatorId: operator.id },
        })),
      ),
    ];
  }

  /** Who a presented key belongs to, if anyone. */
  principalFor(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let principal: Principal | undefined;
    for (const entry of this.entries) {
      // No early exit: every key is compared whatever matched.
      if (timingSafeEqual(entry.digest, candidate)) principal = entry.principal;
    }
    return principal;
  }
}
