import { auditServer } from 'graphql-http';
import { startTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

/**
 * The GraphQL-over-HTTP spec's audits (graphql-http): every MUST and SHOULD holds. Notices (MAYs) are
 * allowed: GETs without a preflight header are refused by Apollo's CSRF prevention, on purpose.
 */
it('passes every GraphQL-over-HTTP audit without a failure or a warning', async () => {
  const results = await auditServer({ url: t.app.url, fetchFn: fetch });
  const problems = results
    .filter((r) => r.status === 'error' || r.status === 'warn')
    .map((r) => `${r.status}: ${r.name}${'reason' in r ? ` (${r.reason})` : ''}`);
  expect(problems).toEqual([]);
  expect(results.length).toBeGreaterThan(20);
});

describe('the status of a request the schema refuses', () => {
  const send = (accept: string, query: string) =>
    fetch(t.app.url, { method: 'POST', headers: { accept, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

  it('is 200 for a client that asks for application/json by name, the errors in the body', async () => {
    const res = await send('application/json', '{ nope }');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })] });
  });

  it('is 400 with application/graphql-response+json, and for a client that takes anything', async () => {
    const res = await send('application/graphql-response+json', '{ nope }');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect((await send('*/*', '{ nope }')).status).toBe(400);
  });

  it('keeps 400 for a malformed request whatever the client accepts', async () => {
    const res = await fetch(t.app.url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{"variables":{}}' });
    expect(res.status).toBe(400);
  });
});
