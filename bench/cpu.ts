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
