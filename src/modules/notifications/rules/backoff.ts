/** Retry delay after `attempts` failed sends: base, 2x, 4x … capped. */
export function retryDelayMs(attempts: number, baseMs: number, capMs = 15 * 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
