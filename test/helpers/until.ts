export { until } from '../../src/plugin-testing/graphql-client';
