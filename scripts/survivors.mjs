// Finds the servers a test run left running: postgres, postgrest, pgbouncer and deno processes started after the
// run began that belong to this checkout (binary, arguments or working directory inside it) or
// descend from the run. Linux reads /proc; elsewhere the check is skipped (an empty list).
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const SERVERS = new Set(['postgres', 'postgrest', 'deno', 'pgbouncer']);

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state, ppid, pgrp, … starttime is the 20th (field 22 of proc(5)).
    return { ppid: Number(fields[1]), start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function read(path, fallback = '') {
  try {
    return path.endsWith('/cwd') ? readlinkSync(path) : readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** This process's start time in clock ticks since boot (compare with {@link findSurvivors}'s `since`). */
export function processStart(pid = process.pid) {
  return stat(pid)?.start ?? 0;
}

/**
 * @param {{ root: string, since: number, ancestor: number }} options the checkout, the run's start
 *   (clock ticks, see processStart) and the run's pid
 * @returns {{ pid: number, name: string, command: string }[]}
 */
export function findSurvivors({ root, since, ancestor }) {
  if (!existsSync('/proc/self/stat')) return [];
  const inside = root.endsWith('/') ? root : `${root}/`;
  const processes = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = stat(entry);
    if (info) processes.set(Number(entry), info);
  }
  const descendsFromRun = (pid) => {
    for (let current = pid, hops = 0; current > 1 && hops < 64; hops++) {
      if (current === ancestor) return true;
      current = processes.get(current)?.ppid ?? 0;
    }
    return false;
  };
  const survivors = [];
  for (const [pid, info] of processes) {
    if (pid === process.pid || info.start < since) continue;
    const name = read(`/proc/${pid}/comm`).trim();
    if (!SERVERS.has(name)) continue;
    const command = read(`/proc/${pid}/cmdline`).replaceAll('\0', ' ').trim();
    const cwd = read(`/proc/${pid}/cwd`);
    if (command.includes(inside) || `${cwd}/`.startsWith(inside) || descendsFromRun(pid)) {
      survivors.push({ pid, name, command });
    }
  }
  return survivors;
}
