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
