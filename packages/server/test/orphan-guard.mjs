// Runs a command as the leader of its own process group and takes the whole group down when the
// parent goes away, however it goes: SIGTERM/SIGINT are forwarded, and EOF on stdin (a pipe from the
// parent, closed by the kernel even on SIGKILL) stops the group. No prctl needed.
// Usage: node orphan-guard.mjs <command> [args…]   (stdin must be a pipe from the parent)
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: orphan-guard.mjs <command> [args…]');
  process.exit(2);
}
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
const signalGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
};
const stop = (signal) => {
  signalGroup(signal);
  setTimeout(() => signalGroup('SIGKILL'), 5_000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.stdin.on('end', () => stop('SIGTERM'));
process.stdin.on('error', () => stop('SIGTERM'));
process.stdin.resume();
child.on('error', (error) => {
  console.error(`orphan-guard: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  signalGroup('SIGKILL'); // whatever the command left behind in its group
  process.exit(code ?? (signal ? 128 : 1));
});
