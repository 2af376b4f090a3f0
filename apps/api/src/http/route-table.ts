import type { FastifyInstance } from 'fastify';

interface RouteShape {
  method: string;
  segments: readonly string[];
}

/**
 * The methods registered for each route pattern, gathered as routes are added: what a 405 names in
 * its `Allow` header when a path exists but not for the method asked.
 */
export class RouteTable {
  private readonly routes: RouteShape[] = [];

  /** Gathers the routes `fastify` registers from now on; call before they are registered. */
  listenTo(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) this.add(method, route.url);
    });
  }

  add(method: string, pattern: string): void {
    this.routes.push({ method: method.toUpperCase(), segments: pattern.split('/') });
  }

  /** Methods of every route matching `path` (already decoded, without its query), sorted. */
  methodsFor(path: string): string[] {
    const segments = path.split('/');
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (matches(route.segments, segments)) methods.add(route.method);
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i];
    if (part === '*') return true;
    if (i >= path.length) return false;
    if (part.startsWith(':')) {
      if (path[i] === '') return false;
    } else if (part !== path[i]) {
      return false;
    }
  }
  return pattern.length === path.length;
}
