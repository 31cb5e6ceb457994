/** @type {import('jest').Config} */
module.exports = {
  // Node's, plus a report of the database's sessions when a test runs out of time (test/helpers/database-environment.js).
  testEnvironment: '<rootDir>/test/helpers/database-environment.js',
  roots: ['<rootDir>/test', '<rootDir>/plugins'],
  testMatch: ['**/*.test.ts'],
  // jose is ESM-only; jest's CommonJS runtime needs it transformed (Node 20 has no require(esm) under jest).
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  // The plugin API as plugins import it (package.json "exports"), served from the sources under test.
  moduleNameMapper: {
    '^zoco/plugin$': '<rootDir>/src/plugin.ts',
    '^zoco/plugin/testing$': '<rootDir>/src/plugin-testing/index.ts',
  },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
