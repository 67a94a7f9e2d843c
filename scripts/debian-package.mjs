// Programs the test command takes from Debian's packages (Chromium, PgBouncer), never downloaded on
// their own: found at an env-var path, a usual path or on PATH; missing, they are installed with
// apt-get only in CI as root, and otherwise the caller skips the tests that need them (saying so).
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

/**
 * The path of `program` from Debian's `pkg`, installing the package in CI as root when it is missing;
 * undefined when it is missing and cannot be installed here. A set `envVar` that is not an executable
 * file is an error (exit 1), not a fallback.
 */
export function debianProgram({ program, pkg = program, envVar, path }) {
  const find = () => {
    const chosen = process.env[envVar];
    if (chosen) {
      if (isExecutable(chosen)) return chosen;
      console.error(`✖ ${envVar}=${chosen} is not an executable file`);
      process.exit(1);
    }
    return [path].find(isExecutable) ?? onPath(program);
  };
  const found = find();
  if (found) return found;
  if (!(Boolean(process.env.CI) && process.getuid?.() === 0 && onPath('apt-get'))) return undefined;
  console.log(`${program} is missing: CI, root and apt-get, so installing Debian's ${pkg} package…`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', pkg]);
  const installed = find();
  if (!installed) {
    console.error(`✖ apt-get installed ${pkg}, but ${path} is still missing`);
    process.exit(1);
  }
  return installed;
}
