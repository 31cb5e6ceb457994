import 'reflect-metadata';
import { createDataSource } from './src/db/data-source';
import { coreModules } from './src/modules/registry';

/**
 * The DataSource for the TypeORM CLI, e.g.
 *   DATABASE_URL=postgres://… npx typeorm migration:show -d dist/ormconfig.js
 * With the embedded database, use `npm run zoco -- migrate` instead: the app starts it first.
 */
if (!process.env['DATABASE_URL']) {
  throw new Error('Set DATABASE_URL for the TypeORM CLI (the embedded database runs only inside the app).');
}

export default createDataSource({
  url: process.env['DATABASE_URL'],
  entities: coreModules.flatMap((m) => m.entities),
});
