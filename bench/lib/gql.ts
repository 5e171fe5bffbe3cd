/** GraphQL over HTTP for set-up and probes (not for load: load comes from the load child). */
export interface GqlResult<T = any> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  status: number;
  sqlStatements: number;
}

export async function gql<T = any>(
  url: string,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-sql-statements': 'count' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: GqlResult['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON answer (${response.status}): ${text.slice(0, 300)}`);
  }
  return { ...body, status: response.status, sqlStatements: Number(response.headers.get('x-sql-statements') ?? -1) };
}

/** Like gql, but any GraphQL error fails the set-up. */
export async function ok<T = any>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gql<T>(url, key, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`GraphQL error: ${JSON.stringify(r.errors ?? r).slice(0, 800)}`);
  return r.data;
}
