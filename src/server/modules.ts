import type { ModuleDefinition } from '../core/module';
import catalog from '../modules/catalog';
import customers from '../modules/customers';
import carts from '../modules/carts';
import sellers from '../modules/sellers';
import invoices from '../modules/invoices';
import orders from '../modules/orders';
import checkout from '../modules/checkout';

/** The core modules, in dependency order. */
export const coreModules: ModuleDefinition[] = [sellers, catalog, customers, carts, invoices, orders, checkout];
