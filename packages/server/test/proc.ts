// Linux process-table reads for tests that check a command leaves no process behind (/proc only:
// callers skip elsewhere).
import { readdirSync, readFileSync } from 'node:fs';

function procStat(pid: number): { ppid: number; state: string; name: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      state: fields[0] as string,
      ppid: Number(fields[1]),
      name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
    };
  } catch {
    return undefined;
  }
}

/** Every live process below `ancestor`, by name. */
export function descendants(ancestor: number): { pid: number; name: string }[] {
  const all = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => ({ pid: Number(entry), stat: procStat(Number(entry)) }))
    .filter((entry) => entry.stat !== undefined);
  const parents = new Map(all.map(({ pid, stat }) => [pid, stat?.ppid ?? 0]));
  const below = (pid: number) => {
    for (let current = parents.get(pid) ?? 0, hops = 0; current > 1 && hops < 64; hops++) {
      if (current === ancestor) return true;
      current = parents.get(current) ?? 0;
    }
    return false;
  };
  return all.filter(({ pid }) => below(pid)).map(({ pid, stat }) => ({ pid, name: stat?.name ?? '' }));
}

/** Whether `pid` runs (a zombie waiting for its parent does not count). */
export const alive = (pid: number): boolean => {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
};
