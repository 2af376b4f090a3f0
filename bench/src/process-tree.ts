import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat reports CPU time in these ticks (100 on every usual arch). */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system of the process itself, and of its children it has waited for, in ms. */
  cpuMs: number;
}

/** stat(5) fields after the name (which may hold spaces, so split after its ')'). */
function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields counted from the state field (3): ppid 4, utime 14, stime 15, cutime 16, cstime 17.
    const at = (n: number): number => Number(fields[n - 3]);
    const ticks = at(14) + at(15) + at(16) + at(17);
    return { pid, ppid: at(4), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^[0-9]+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
}

/** `root` and every process descended from it, by pid. */
export function descendants(root: number, stats: readonly ProcStat[] = allStats()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const found: ProcStat[] = [];
  const queue = stats.filter((stat) => stat.pid === root);
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

/**
 * CPU time (user + system) of a process tree so far, in ms: the process, its live descendants and
 * the descendants they have reaped. Undefined where /proc is unavailable or `root` is gone.
 */
export function treeCpuMs(root: number): number | undefined {
  const tree = descendants(root);
  if (tree.length === 0) return undefined;
  return tree.reduce((sum, stat) => sum + stat.cpuMs, 0);
}

/**
 * CPU time (user + system) of the processes `root` started and their descendants, `root` itself
 * left out, in ms: for `ledger start`, its consumers' process. Undefined as for `treeCpuMs`.
 */
export function childrenCpuMs(root: number): number | undefined {
  const tree = descendants(root);
  if (tree.length === 0) return undefined;
  return tree.filter((stat) => stat.pid !== root).reduce((sum, stat) => sum + stat.cpuMs, 0);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The pids of this process's DynamoDB Local (the Java process `startDynamoDbLocal` runs under its
 * watchdog shell), found among this process's descendants: the engine does not expose its pid.
 */
export function engineProcessIds(): number[] {
  return descendants(process.pid)
    .filter((stat) => {
      const [program = '', ...args] = commandLine(stat.pid).split(' ');
      return program.endsWith('java') && args.some((arg) => arg.includes('DynamoDBLocal'));
    })
    .map((stat) => stat.pid);
}

/** CPU time of the given processes (each without its descendants' share counted twice), in ms. */
export function processesCpuMs(pids: readonly number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat === undefined) return undefined;
    total += stat.cpuMs;
  }
  return pids.length === 0 ? undefined : total;
}
