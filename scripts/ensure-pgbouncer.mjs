#!/usr/bin/env node
// A step of scripts/check.mjs before the tests: test/transaction-pooler.pooler.test.ts runs Coko's data
// paths through PgBouncer in transaction mode. PgBouncer is never downloaded: Debian's `pgbouncer`
// package (or PGBOUNCER_PATH) is used. Without it the pooler tests are skipped (they say so), except
// in CI as root with apt-get, where it is installed. Mirrors test/e2e/run.mjs for Chromium.
import { debianProgram } from './debian-package.mjs';

const found = debianProgram({ program: 'pgbouncer', envVar: 'PGBOUNCER_PATH', path: '/usr/sbin/pgbouncer' });
if (found) console.log(`PgBouncer: ${found}`);
else {
  console.log(
    'PgBouncer is missing: the transaction-pooler tests will be SKIPPED (apt-get install pgbouncer, or set PGBOUNCER_PATH)',
  );
}
