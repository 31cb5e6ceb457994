export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: (string | number)[] }[];
  extensions?: Record<string, any>;
}

/** What every GraphQL response's `extensions` holds (server/throttle.ts): its cost and the client's bucket. */
export const REPORTED_COST = { cost: expect.objectContaining({ requestedQueryCost: expect.any(Number) }) };

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

  /** Like request, but fails the test on any GraphQL error and returns `data`. */
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
