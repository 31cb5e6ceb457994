import type { AppConfig, CrashPoint } from '../../config';

/**
 * Test hook (`ZOCO_TEST_CRASH_AT`, honoured only with NODE_ENV=test): the process dies here as under
 * `kill -9`, so a test can prove that recovery leaves one charge per committed order and none for
 * a checkout that did not commit (test/modules/checkout/payment-crash.test.ts).
 */
export function crashPoint(config: Pick<AppConfig, 'env' | 'testCrashAt'>, point: CrashPoint): void {
  if (config.env === 'test' && config.testCrashAt === point) process.kill(process.pid, 'SIGKILL');
}
