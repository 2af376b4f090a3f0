import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEYS } from '../api-dependencies';
import type { ApiKeyRegistry, Principal } from './api-keys';
import { AdminGrantRequiredError, TenantKeyRequiredError, UnauthorizedError } from './auth.errors';

/** A request after ApiKeyGuard or AdminKeyGuard: who its key speaks for. */
export interface AuthenticatedRequest extends FastifyRequest {
  principal: Principal;
  /** Set for a tenant's key only. */
  tenantId: string;
}

function authenticate(keys: ApiKeyRegistry, context: ExecutionContext): AuthenticatedRequest {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const principal = match ? keys.principalFor(match[1]) : undefined;
  if (principal === undefined) throw new UnauthorizedError();
  request.principal = principal;
  if (principal.kind === 'tenant') request.tenantId = principal.tenantId;
  return request;
}

/**
 * Authenticates `/payments*`: the bearer API key decides the tenant. An operator's key is refused
 * (403): operators do store-wide admin work, never a tenant's payments.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = authenticate(this.keys, context);
    if (request.principal.kind !== 'tenant') throw new TenantKeyRequiredError();
    return true;
  }
}

/**
 * Authenticates `/admin*`: a tenant's key with the admin grant (one of its `adminKeys`: work
 * within that tenant) or an operator's (store-wide work); the controller decides which work needs
 * which. Any other tenant key is refused (403 `admin_grant_required`).
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = authenticate(this.keys, context);
    if (principal.kind === 'tenant' && !principal.admin) throw new AdminGrantRequiredError();
    return true;
  }
}
