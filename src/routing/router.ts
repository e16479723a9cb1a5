/**
 * Precompiled route matching on method, host and path (find-my-way's radix tree).
 *
 * Priority, in order:
 *  1. Path specificity, segment by segment: a static segment beats `:param`, which beats `*`.
 *  2. At the same path, a route with `hosts` beats one without.
 *  3. At the same path and host, a route listing the method beats one that takes all methods.
 * Two routes that tie on all three are a config error, never a silent choice.
 */
import { METHODS } from 'node:http';
import FindMyWay from 'find-my-way';

export interface RouteDefinition<T> {
  name: string;
  path: string;
  methods: readonly string[] | undefined;
  hosts: readonly string[] | undefined;
  value: T;
}

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string | undefined>;
}

/** Methods a route without `methods` takes (CONNECT never: Unigate is no tunnel). */
export const ALL_METHODS: readonly string[] = METHODS.filter((m) => m !== 'CONNECT');

/** Lower ranks win a tie: explicit methods, then all methods, then the implicit base path of `/x/*`. */
const enum Rank {
  ExplicitMethod = 0,
  AllMethods = 1,
  ImplicitBase = 2,
}

interface Registration<T> {
  method: string;
  host: string | undefined;
  path: string;
  rank: Rank;
  def: RouteDefinition<T>;
}

export class RouteConflictError extends Error {
  constructor(
    readonly routeName: string,
    message: string,
  ) {
    super(message);
  }
}

export class Router<T> {
  private readonly tree = FindMyWay({ caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 2048 });

  constructor(definitions: readonly RouteDefinition<T>[]) {
    const all = definitions.flatMap((def) => registrations(def)).sort((a, b) => a.rank - b.rank);
    const owners = new Map<string, Registration<T>>();
    for (const reg of all) {
      const key = `${reg.method} ${reg.host ?? '*'} ${reg.path}`;
      const owner = owners.get(key);
      if (owner !== undefined) {
        if (owner.rank < reg.rank || reg.rank === Rank.ImplicitBase) continue;
        throw new RouteConflictError(
          reg.def.name,
          `routes "${owner.def.name}" and "${reg.def.name}" both match ${reg.method} ${reg.host ?? 'any host'} ${reg.path}`,
        );
      }
      owners.set(key, reg);
      const constraints = reg.host === undefined ? {} : { host: hostConstraint(reg.host) };
      this.tree.on(reg.method as FindMyWay.HTTPMethod, reg.path, { constraints }, noop, reg.def.value);
    }
    this.tree.compile();
  }

  find(method: string, host: string, path: string): RouteMatch<T> | undefined {
    const found = this.tree.find(method as FindMyWay.HTTPMethod, path, { host });
    if (found === null) return undefined;
    return { value: found.store as T, params: found.params };
  }
}

function noop(): void {}

function registrations<T>(def: RouteDefinition<T>): Registration<T>[] {
  const methods = def.methods ?? ALL_METHODS;
  const hosts: readonly (string | undefined)[] = def.hosts ?? [undefined];
  const rank = def.methods === undefined ? Rank.AllMethods : Rank.ExplicitMethod;
  const paths: { path: string; rank: Rank }[] = [{ path: def.path, rank }];
  // `/api/*` also takes `/api` itself.
  if (def.path.endsWith('/*')) paths.push({ path: def.path.slice(0, -2) || '/', rank: Rank.ImplicitBase });
  const out: Registration<T>[] = [];
  for (const method of methods) {
    for (const host of hosts) {
      for (const p of paths) out.push({ method, host: host?.toLowerCase(), path: p.path, rank: p.rank, def });
    }
  }
  return out;
}

function hostConstraint(host: string): string | RegExp {
  if (!host.startsWith('*.')) return host;
  const suffix = host.slice(2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[^.]+\\.${suffix}$`);
}
