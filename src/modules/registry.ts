import type { ModuleDefinition } from '../core/module';
import sellers from './sellers';
import catalog from './catalog';
import customers from './customers';
import payments from './payments';
import carts from './carts';
import signIn from './sign-in';
import invoices from './invoices';
import orders from './orders';
import checkout from './checkout';
import complaints from './complaints';

/** The core modules, in dependency order: each may import only those before it. */
export const coreModules: ModuleDefinition[] = [sellers, catalog, customers, payments, carts, signIn, invoices, orders, checkout, complaints];
