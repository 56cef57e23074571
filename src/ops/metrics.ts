/**
 * Prometheus text-format metrics kept in memory: counters, gauges and summaries (count + sum).
 * Small on purpose; one process exposes its own numbers at /metrics.
 */
type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  values: Map<string, { count: number; sum: number }>;
}

export class Metrics {
  private families = new Map<string, Family>();
  private collectors: Array<() => Promise<void>> = [];

  private family(name: string, help: string, type: Family['type']): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, values: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, help, 'counter');
    const k = key(labels);
    const v = f.values.get(k) ?? { count: 0, sum: 0 };
    v.sum += by;
    f.values.set(k, v);
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, 'gauge').values.set(key(labels), { count: 1, sum: value });
  }

  observe(name: string, help: string, labels: Labels, value: number): void {
    const f = this.family(name, help, 'summary');
    const k = key(labels);
    const v = f.values.get(k) ?? { count: 0, sum: 0 };
    v.count += 1;
    v.sum += value;
    f.values.set(k, v);
  }

  /** A collector refreshes gauges (queue depth, …) from the database just before a scrape. */
  addCollector(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const c of this.collectors) {
      try {
        await c();
      } catch {
        /* a failing collector must not break the scrape */
      }
    }
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const [k, v] of f.values) {
        const l = k ? `{${k}}` : '';
        if (f.type === 'summary') {
          lines.push(`${name}_sum${l} ${v.sum}`, `${name}_count${l} ${v.count}`);
        } else {
          lines.push(`${name}${l} ${v.sum}`);
        }
      }
    }
    return lines.join('\n') + '\n';
  }
}
