// Jest's node environment, plus one thing: when a test runs out of time, it prints what every session of the
// tests' databases (zoco_t_*) is doing (pg_stat_activity: state, wait event, blocking sessions, statement). A timeout is
// almost always a wait (a lock, a pool, a statement), and after the fact nothing shows which. Plain CommonJS:
// jest loads environments before any transform.
const { TestEnvironment } = require('jest-environment-node');
const pg = require('pg');

const ACTIVITY = `
  SELECT pid, datname AS db, application_name AS app, state, wait_event_type || ':' || wait_event AS wait,
         pg_blocking_pids(pid) AS blocked_by, round(extract(epoch FROM now() - xact_start)::numeric, 1) AS xact_s,
         round(extract(epoch FROM now() - state_change)::numeric, 1) AS state_s, left(regexp_replace(query, '\\s+', ' ', 'g'), 300) AS query
    FROM pg_stat_activity
   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle' AND datname LIKE 'zoco\\_t\\_%'
   ORDER BY xact_start NULLS LAST`;

class DatabaseEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if ((event.name !== 'test_fn_failure' && event.name !== 'hook_failure') || !String(event.error).includes('Exceeded timeout')) return;
    const name = event.name === 'hook_failure' ? `${event.hook.type} of ${event.hook.parent.name}` : event.test.name;
    const url = process.env.ZOCO_TEST_SERVER_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      const { rows } = await client.query(ACTIVITY);
      console.error(`"${name}" ran out of time; the test server's sessions that were not idle:\n${JSON.stringify(rows, null, 1)}`);
    } catch (err) {
      console.error(`"${name}" ran out of time; pg_stat_activity could not be read: ${err}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

module.exports = DatabaseEnvironment;
