#!/usr/bin/env node
// A step of scripts/check.mjs before the tests: test/transaction-pooler.pooler.test.ts runs Coko's data
// paths through PgBouncer in transaction mode. PgBouncer is never downloaded: Debian's `pgbouncer`
// package (or PGBOUNCER_PATH) is used. Without it the pooler tests are skipped (they say so), except
// in CI as root with apt-get, where it is installed. Mirrors test/e2e/run.mjs for Chromium.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);
const findPgbouncer = () =>
  [process.env.PGBOUNCER_PATH, '/usr/sbin/pgbouncer'].find((file) => file && isExecutable(file)) ?? onPath('pgbouncer');

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`✖ ${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

const found = findPgbouncer();
if (found) {
  console.log(`PgBouncer: ${found}`);
  process.exit(0);
}
const canInstall = Boolean(process.env.CI) && process.getuid?.() === 0 && onPath('apt-get');
if (!canInstall) {
  console.log(
    'PgBouncer is missing: the transaction-pooler tests will be SKIPPED (apt-get install pgbouncer, or set PGBOUNCER_PATH)',
  );
  process.exit(0);
}
console.log("PgBouncer is missing: CI, root and apt-get, so installing Debian's pgbouncer package…");
run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', 'pgbouncer']);
if (!findPgbouncer()) {
  console.error('✖ apt-get installed pgbouncer, but /usr/sbin/pgbouncer is still missing');
  process.exit(1);
}
