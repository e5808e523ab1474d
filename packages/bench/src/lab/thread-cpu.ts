import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports thread CPU in clock ticks of 1/100 s (CLK_TCK, 100 on every mainstream build). */
const ticksPerMs = 100 / 1000;

/** CPU used so far by this process's main (JavaScript) thread and by all its other threads together, in ms; from /proc. */
export function threadCpuMs(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is field 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
      if (Number(tid) === process.pid) main += ms;
      else others += ms;
    }
  } catch {
    // Not Linux, or a thread ended while being read: report what was read.
  }
  return { main, others };
}
