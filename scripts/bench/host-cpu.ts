import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds so far of the local PostgreSQL and RabbitMQ server processes and of the whole
 * machine, read from /proc (Linux). The Node processes report their own through /metrics; these
 * are the rest of an order's cost when the servers run on the bench's machine. Empty where /proc
 * is absent. A server process that exits between two readings takes its seconds with it: the
 * pools' connections live through a round, so the figure holds.
 */
export function hostCpuSeconds(): Record<string, number> {
  // USER_HZ, the unit of /proc's counters, is 100 on every Linux build we run on.
  const ticksPerSecond = 100;
  try {
    const stat = readFileSync('/proc/stat', 'utf8');
    const cpu = /^cpu\s+(.+)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = cpu.reduce((sum, value, i) => (i === 3 || i === 4 || i > 7 ? sum : sum + value), 0);
    const totals: Record<string, number> = { postgres: 0, rabbitmq: 0, machine: busy / ticksPerSecond };
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let line: string;
      try {
        line = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // The process ended between the listing and the read.
      }
      const close = line.lastIndexOf(')');
      const name = line.slice(line.indexOf('(') + 1, close);
      const group = name === 'postgres' ? 'postgres' : name === 'beam.smp' ? 'rabbitmq' : null;
      if (!group) continue;
      const fields = line.slice(close + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime); `fields` starts at field 3.
      totals[group]! += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    }
    return totals;
  } catch {
    return {};
  }
}
