export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: (string | number)[] }[];
  extensions?: Record<string, any>;
}

/** A GraphQL-over-HTTP client as a storefront would use it; `token` becomes `Authorization: Bearer …`. */
export function graphqlClient(url: string) {
  async function request<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
    return { status: res.status, ...body };
  }

  /** Like request, but throws on any GraphQL error and returns `data`. */
  async function data<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
    const res = await request<T>(query, variables, token);
    if (res.errors?.length || !res.data) {
      throw new Error(`GraphQL errors (HTTP ${res.status}): ${JSON.stringify(res.errors)}`);
    }
    return res.data;
  }

  return { request, data };
}

export type GraphQLClient = ReturnType<typeof graphqlClient>;

/** Polls `check` every 50 ms until it holds, for at most `timeoutMs`: for what happens after commit, asynchronously. */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}
