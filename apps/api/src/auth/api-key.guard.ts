import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEYS } from '../api-dependencies';
import type { ApiKeyRegistry } from './api-keys';
import { UnauthorizedError } from './auth.errors';

/** The tenant a request was authenticated as, set by ApiKeyGuard. */
export interface AuthenticatedRequest extends FastifyRequest {
  tenantId: string;
}

/** Authenticates `/payments*` and `/admin*`: the bearer API key decides the tenant. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const tenantId = match ? this.keys.tenantFor(match[1]) : undefined;
    if (tenantId === undefined) throw new UnauthorizedError();
    request.tenantId = tenantId;
    return true;
  }
}
