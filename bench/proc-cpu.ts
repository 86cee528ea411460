import { readdir, readFile } from 'node:fs/promises';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS = 100;

/** proc(5) stat fields after the parenthesised name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
async function statFields(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

/** utime + stime of a process in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const f = await statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLOCK_TICKS : Number.NaN;
}

/**
 * CPU seconds of a process and everything under it: PostgreSQL's postmaster
 * forks a backend per connection, so its own time is a small part. Children
 * that already exited count through the root's cutime + cstime (the
 * postmaster reaps them); live ones are read one by one.
 */
export async function treeCpuSeconds(root: number): Promise<number> {
  const rootFields = await statFields(root);
  if (!rootFields) return Number.NaN;
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const f = await statFields(pid);
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = (Number(rootFields[13]) + Number(rootFields[14])) / CLOCK_TICKS;
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    total += await cpuSeconds(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}
