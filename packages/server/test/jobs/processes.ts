import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { waitFor } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * tsx as a loader inside ONE node process (not the tsx CLI, which runs the script in a second
 * process): a signal sent by a test must hit the process that runs the jobs.
 */
export const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
export const cokoBin = join(here, '..', '..', 'bin', 'coko.mjs');
export const fixture = (name: string) => join(here, 'fixtures', name);

const children: ChildProcess[] = [];
/** Call once per file: SIGKILLs every child still alive after the file's tests. */
export function killChildrenAfterAll(): void {
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

/** Spawns `node <args>` and collects its stdout lines (JSON log lines are parsed by `json()`). */
export function spawnNode(
  args: string[],
  env: Record<string, string | undefined>,
  options: { replaceEnv?: boolean } = {},
) {
  const entry = args.filter((arg) => !arg.startsWith('file:')).join(' ');
  const child = spawn(process.execPath, args, {
    env: options.replaceEnv ? env : { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const json = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const waitForLine = (match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs = 15_000) =>
    waitFor(
      async () => {
        const found = json().find(match);
        if (found) return found;
        if (child.exitCode !== null)
          throw new Error(`${entry} exited (${child.exitCode}) while waiting for ${what}:\n${stderr}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 50, what },
    );
  return { child, exited, json, waitForLine, stderr: () => stderr };
}
