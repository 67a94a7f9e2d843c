// CPU time per component of the stack during a phase, from /proc (Linux): this process (the
// gateway, the API and the load generator's worker thread), PostgREST, and Postgres (the postmaster
// and its backends), all descendants of this process. Elsewhere: null.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

export type CpuSnapshot = Map<string, number>;

/** CPU milliseconds (user + system) so far, per component. */
export function cpuSnapshot(): CpuSnapshot | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const processes = new Map<number, { ppid: number; comm: string; ms: number }>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      const ms = ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
      processes.set(Number(name), { ppid: Number(rest[1]), comm, ms });
    } catch {
      // gone meanwhile
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = processes.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const out: CpuSnapshot = new Map();
  for (const [pid, info] of processes) {
    if (!isOurs(pid)) continue;
    const component =
      pid === process.pid
        ? 'node'
        : info.comm.startsWith('postgrest')
          ? 'postgrest'
          : info.comm === 'postgres'
            ? 'postgres'
            : info.comm;
    out.set(component, (out.get(component) ?? 0) + info.ms);
  }
  return out;
}

/** CPU ms per component between two snapshots (components that used < 1 ms left out). */
export function cpuDelta(before: CpuSnapshot | null, after: CpuSnapshot | null): Record<string, number> | null {
  if (!before || !after) return null;
  const out: Record<string, number> = {};
  for (const [component, ms] of after) {
    const used = ms - (before.get(component) ?? 0);
    if (used >= 1) out[component] = used;
  }
  return out;
}

/**
 * CPU milliseconds (user + system) so far of process `root` and its descendants (a node:cluster
 * primary and its workers), from /proc; null elsewhere or once it is gone.
 */
export function treeCpuMs(root: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const used = new Map<number, number>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      used.set(Number(name), ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      // gone meanwhile
    }
  }
  if (!used.has(root)) return null;
  let total = 0;
  for (const [pid, ms] of used) {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++, p = parent.get(p) ?? 0) {
      if (p === root) {
        total += ms;
        break;
      }
    }
  }
  return total;
}
