import type { ExecutionContext } from '@nestjs/common';
import { parseLedgerConfig } from '@ledger/config';
import { AdminKeyGuard, ApiKeyGuard, type AuthenticatedRequest } from './api-key.guard';
import { ApiKeyRegistry } from './api-keys';

const config = parseLedgerConfig({
  tenants: [
    {
      id: 'acme',
      apiKeys: ['unit-key-acme-00000'],
      adminKeys: ['unit-admin-key-acme-0'],
      gateway: { kind: 'sandbox', baseUrl: 'https://gateway.example', apiKey: 'gw-key' },
    },
  ],
  operators: [{ id: 'ops', apiKeys: ['unit-key-operator-000'] }],
});
const keys = new ApiKeyRegistry(config.tenants, config.operators);

function requestWith(key: string): { context: ExecutionContext; request: AuthenticatedRequest } {
  const request = { headers: { authorization: `Bearer ${key}` } } as AuthenticatedRequest;
  const context = {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('AdminKeyGuard', () => {
  describe('when a tenant key without the admin grant asks', () => {
    it('refuses it with 403 admin_grant_required', () => {
      const { context } = requestWith('unit-key-acme-00000');

      expect(() => new AdminKeyGuard(keys).canActivate(context)).toThrow(
        expect.objectContaining({ code: 'admin_grant_required', status: 403 }),
      );
    });
  });

  describe('when one of the tenant’s admin keys asks', () => {
    it('lets it through as that tenant, with the grant', () => {
      const { context, request } = requestWith('unit-admin-key-acme-0');

      expect(new AdminKeyGuard(keys).canActivate(context)).toBe(true);
      expect(request.principal).toEqual({ kind: 'tenant', tenantId: 'acme', admin: true });
      expect(request.tenantId).toBe('acme');
    });
  });

  describe('when an operator asks', () => {
    it('lets it through for store-wide work', () => {
      const { context, request } = requestWith('unit-key-operator-000');

      expect(new AdminKeyGuard(keys).canActivate(context)).toBe(true);
      expect(request.principal).toEqual({ kind: 'operator', operatorId: 'ops' });
    });
  });
});

describe('ApiKeyGuard', () => {
  describe('when a tenant’s admin key works on payments', () => {
    it('accepts it as the tenant', () => {
      const { context, request } = requestWith('unit-admin-key-acme-0');

      expect(new ApiKeyGuard(keys).canActivate(context)).toBe(true);
      expect(request.tenantId).toBe('acme');
    });
  });
});
