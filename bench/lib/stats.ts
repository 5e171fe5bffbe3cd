/** Small statistics helpers (latencies in ms). */

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Log-bucketed latency histogram that children can merge and ship over IPC cheaply. */
export class LatencyHistogram {
  /** Bucket i holds values in [1.05^(i-1), 1.05^i) * 0.01 ms; 0 holds < 0.01 ms. */
  readonly buckets: number[] = [];
  count = 0;
  max = 0;
  sum = 0;

  record(ms: number): void {
    const v = Math.max(0, ms);
    const i = v < 0.01 ? 0 : Math.floor(Math.log(v / 0.01) / Math.log(1.05)) + 1;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  merge(other: { buckets: number[]; count: number; max: number; sum: number }): void {
    other.buckets.forEach((n, i) => {
      if (n) this.buckets[i] = (this.buckets[i] ?? 0) + n;
    });
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i] ?? 0;
      if (seen >= target) return i === 0 ? 0.01 : Math.min(this.max, 0.01 * 1.05 ** i);
    }
    return this.max;
  }

  toJSON() {
    return { buckets: this.buckets.map((b) => b ?? 0), count: this.count, max: this.max, sum: this.sum };
  }

  summary(): Summary {
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p90: round(this.percentile(90)),
      p99: round(this.percentile(99)),
      max: round(this.max),
      mean: round(this.count ? this.sum / this.count : NaN),
    };
  }
}
