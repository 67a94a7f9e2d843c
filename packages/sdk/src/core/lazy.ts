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
