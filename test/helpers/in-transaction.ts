import type { Viewer } from '../../src/auth/viewer';
import { createContext, type TxContext } from '../../src/core/context';
import { withTransaction } from '../../src/db/transaction';
import type { TestApp } from './test-app';

/** Runs a service helper in one transaction of the app, as `viewer` (the operator by default). */
export function inTransaction<T>(t: TestApp, fn: (ctx: TxContext) => Promise<T>, viewer: Viewer = { kind: 'admin' }): Promise<T> {
  return withTransaction(createContext(t.app.services, viewer, 'test'), fn);
}
