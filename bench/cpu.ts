/**
 * CPU time of a process, so a bench can say what one answer costs each
 * process: a figure that moves less than throughput on a shared machine,
 * where the processes of other work take turns on the same cores.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 in every Linux kernel's ABI. */
const TICKS_PER_SECOND = 100;

/** The resolution of cpuSeconds, in ms. */
export const TICK_MS = 1000 / TICKS_PER_SECOND;

/** CPU seconds (user + system) process `pid` has used so far; NaN where /proc cannot tell (not Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** The CPU of groups of processes over a load's measured window (closedLoop's `mark`). */
export interface CpuWindow<K extends string> {
  /** Pass as closedLoop's `mark`: reads every group as the window opens and as it closes. */
  readonly mark: (at: 'start' | 'end') => Promise<void>;
  /** CPU ms per answer of each group over the window (its processes summed; an empty group 0); NaN before both marks. */
  readonly perAnswer: (answered: number) => Record<K, number>;
}

export function cpuWindow<K extends string>(groups: Readonly<Record<K, readonly number[]>>): CpuWindow<K> {
  const names = Object.keys(groups) as K[];
  const read = (): Map<K, number> => new Map(names.map((k) => [k, groups[k].reduce((sum, pid) => sum + cpuSeconds(pid), 0)]));
  const marks: { start?: Map<K, number>; end?: Map<K, number> } = {};
  return {
    mark: (at) => {
      marks[at] = read();
      return Promise.resolve();
    },
    perAnswer: (answered) => {
      const { start, end } = marks;
      const per = (k: K): number => (start && end ? (((end.get(k) ?? 0) - (start.get(k) ?? 0)) * 1000) / answered : Number.NaN);
      return Object.fromEntries(names.map((k) => [k, per(k)])) as Record<K, number>;
    },
  };
}
