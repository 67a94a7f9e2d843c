/** `(ctx, ...args) => R` seen from the caller's side, `(...args) => R`. */
export type Bound<F> = F extends (ctx: never, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Methods of a namespace whose implementation is a separate chunk, imported on the first call (so
 * pages that never call them never download them). `bind('name')` is the module's `name` with
 * `ctx` as its first argument, typed from the module: a facade that declares another signature
 * does not compile.
 */
export function lazyMethods<C, M>(load: () => Promise<M>, ctx: C) {
  let loaded: Promise<M> | undefined;
  return <K extends keyof M>(name: K): Bound<M[K]> =>
    (async (...args: unknown[]) => {
      loaded ??= load();
      return ((await loaded)[name] as (ctx: C, ...rest: unknown[]) => unknown)(ctx, ...args);
    }) as Bound<M[K]>;
}

/**
 * A namespace whose methods are the lazily imported module's functions of the same names (see
 * {@link lazyMethods}): the names are listed once, which keeps the facade small in the core chunk.
 */
export function lazyNamespace<C, M, const N extends readonly (keyof M & string)[]>(
  load: () => Promise<M>,
  ctx: C,
  names: N,
): { [K in N[number]]: Bound<M[K]> } {
  const call = lazyMethods(load, ctx);
  return Object.fromEntries(names.map((name) => [name, call(name)])) as { [K in N[number]]: Bound<M[K]> };
}

/**
 * A namespace whose every method is the lazily imported module's function of the same name, bound
 * to `ctx`: a Proxy rather than {@link lazyNamespace}'s list of names, so the core bundle pays one
 * line per namespace, not one string per method. Only string names other than `then` are methods
 * (so the object is not mistaken for a promise); `own` holds the properties that are not (e.g.
 * sub-namespaces). TypeScript checks the names against the module (`Bound`).
 */
export function lazyModule<C, M, O extends object = object>(
  load: () => Promise<M>,
  ctx: C,
  own?: O,
): { [K in keyof M]: Bound<M[K]> } & O {
  let loaded: Promise<M> | undefined;
  return new Proxy((own ?? {}) as { [K in keyof M]: Bound<M[K]> } & O, {
    get: (target, name) =>
      name in target
        ? target[name as keyof typeof target]
        : typeof name === 'string' && name !== 'then'
          ? async (...args: unknown[]) => {
              loaded ??= load();
              return ((await loaded)[name as keyof M] as (...a: unknown[]) => unknown)(ctx, ...args);
            }
          : undefined,
  });
}
