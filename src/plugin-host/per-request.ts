const caches = new WeakMap<object, Map<unknown, unknown>>();

/**
 * A value made once per request (or subscription event), e.g. a plugin's DataLoader:
 * `perRequest(ctx, 'loyalty:balances', () => new DataLoader(...))`. It dies with the request.
 */
export function perRequest<T>(ctx: { readonly loaders: object }, key: unknown, create: () => T): T {
  let cache = caches.get(ctx.loaders);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.loaders, cache);
  }
  if (!cache.has(key)) cache.set(key, create());
  return cache.get(key) as T;
}
