import { guest } from '../../src/auth/viewer';
import { createContext, type AppServices, type Context } from '../../src/core/context';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** What createContext built before it was reordered for speed (core/context.ts): the services spread first. */
function spreadFirst(app: AppServices, built: Context): Record<string, unknown> {
  return { ...app, viewer: built.viewer, requestId: built.requestId, clientAddress: built.clientAddress, log: built.log, loaders: built.loaders, requestLocale: built.requestLocale, locale: built.locale };
}

const described = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('createContext', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it("has the app's services and the request's members, as `{ ...app, viewer, … }` had", async () => {
    const app = t.app.services;
    const ctx = createContext(app, guest, 'req-1', '203.0.113.7', 'es');
    expect(described(ctx)).toEqual(described(spreadFirst(app, ctx)));
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(ctx.log).not.toBe(app.log);
    expect((ctx.log.bindings() as { reqId?: string }).reqId).toBe('req-1');
    expect([ctx.viewer, ctx.requestId, ctx.clientAddress, ctx.requestLocale]).toEqual([guest, 'req-1', '203.0.113.7', 'es']);
    await expect(ctx.locale()).resolves.toBe('es');
  });

  it("lets the request's members win over the app's, even given a context as the app", async () => {
    const outer = createContext(t.app.services, guest, 'outer', '203.0.113.7', 'es');
    const inner = createContext(outer, guest, 'inner');
    expect(described(inner)).toEqual(described(spreadFirst(outer, inner)));
    expect([inner.requestId, inner.clientAddress, inner.requestLocale]).toEqual(['inner', undefined, null]);
    expect(inner.loaders).not.toBe(outer.loaders);
    expect((inner.log.bindings() as { reqId?: string }).reqId).toBe('inner');
    await expect(inner.locale()).resolves.toBe('en');
  });
});
