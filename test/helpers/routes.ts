// Lists every route an Express 5 app serves by walking its router stack, so tests that must cover
// "every route" pick up a new one without being edited.
import type { Express } from 'express';

export interface RouteInfo {
  /** Upper-case HTTP method (the automatic HEAD for GET is left out). */
  method: string;
  /** The full path pattern, e.g. `/api/attempts/:id/answers/:itemId`. */
  path: string;
}

// The parts of router@2's Layer and Route that the walk reads. They are internal, so each one is
// checked at run time and an unknown shape throws rather than silently listing nothing.
interface LayerLike {
  rawPath?: unknown;
  route?: { methods?: Record<string, boolean> };
  handle?: { stack?: unknown };
}

function layerPaths(layer: LayerLike): string[] {
  const raw = layer.rawPath;
  const paths = Array.isArray(raw) ? raw : [raw];
  return paths.map((p) => {
    // A RegExp or wildcard path cannot be turned into a concrete request; nothing here uses one.
    if (typeof p !== 'string') throw new Error(`Route walker: a layer has a non-string path (${String(p)}); teach test/helpers/routes.ts about it.`);
    return p;
  });
}

function join(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

function walk(stack: unknown, prefix: string, out: RouteInfo[]): void {
  if (!Array.isArray(stack)) throw new Error('Route walker: router.stack is not an array (did Express change its internals?).');
  for (const layer of stack as LayerLike[]) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods ?? {}).filter((m) => layer.route!.methods![m] && m !== '_all');
      for (const path of layerPaths(layer)) for (const method of methods) out.push({ method: method.toUpperCase(), path: join(prefix, path) });
    } else if (layer.handle && Array.isArray(layer.handle.stack)) {
      // A mounted router: `app.use(router)` has rawPath '/', `app.use('/x', router)` has '/x'.
      for (const path of layerPaths(layer)) walk(layer.handle.stack, join(prefix, path), out);
    }
    // Plain middleware (auth, body parsers, static files) serves no route of its own.
  }
}

/** Every (method, path) the app routes, in registration order, without duplicates. */
export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: unknown } }).router.stack, '/', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** The `:name` parameters of a path pattern, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

export function describeRoutes(routes: RouteInfo[]): string {
  return routes.map((r) => `${r.method.padEnd(6)} ${r.path}`).join('\n');
}
