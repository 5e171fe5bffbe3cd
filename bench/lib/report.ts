/** What a benchmark hands back: checked ratios/targets for the table, and everything measured for the JSON. */
export interface Check {
  /** e.g. "req/s @50 hub/bare". */
  metric: string;
  hub: number | string | null;
  baseline?: number | string | null;
  /** hub / baseline, when there is a baseline. */
  ratio?: number | null;
  /** e.g. ">= 0.60". */
  target: string;
  pass: boolean;
}

export interface BenchResult {
  name: string;
  checks: Check[];
  details: Record<string, unknown>;
  notes: string[];
  durationS?: number;
  error?: string;
}

export interface BenchContext {
  quick: boolean;
  mysqlUrl: string;
  runDir: string;
  logDir: string;
  profile: boolean;
  log(message: string): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<BenchResult>;

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const fmt = (v: number | string | null | undefined): string => {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toString();
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};

export function table(results: BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'metric', 'hub', 'baseline', 'ratio', 'target', 'result']];
  for (const r of results) {
    if (r.error) rows.push([r.name, 'ERROR', r.error.split('\n')[0].slice(0, 70), '', '', '', 'MISS']);
    for (const c of r.checks)
      rows.push([
        r.name,
        c.metric,
        fmt(c.hub),
        fmt(c.baseline),
        c.ratio === undefined ? '' : c.ratio === null ? '-' : `${(c.ratio * 100).toFixed(0)}%`,
        c.target,
        c.pass ? 'PASS' : 'MISS',
      ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => pad(c, widths[i])).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
