/**
 * Ranking of depots that hold a spare for a site with a deadline: first those
 * that can get it there in time (now + delivery time <= deadline), then by
 * delivery time. Depots that do not cover the site come last: their delivery
 * time is unknown, but the stock is real and a courier can still be arranged.
 */
export type SpareCondition = 'NEW' | 'REFURBISHED';

export interface SpareCandidate {
  readonly depotId: string;
  readonly depotCode: string;
  readonly condition: SpareCondition;
  readonly available: number;
  /** Null when the depot does not cover the site. */
  readonly deliveryMinutes: number | null;
}

export type RankedSpare<T extends SpareCandidate = SpareCandidate> = T & {
  readonly estimatedArrival: Date | null;
  readonly meetsDeadline: boolean;
};

const CONDITION_PREFERENCE: Record<SpareCondition, number> = { NEW: 0, REFURBISHED: 1 };

export function rankSpares<T extends SpareCandidate>(
  candidates: readonly T[],
  options: { now: Date; deadline: Date; quantity: number },
): Array<RankedSpare<T>> {
  return candidates
    .filter((c) => c.available >= options.quantity)
    .map((c): RankedSpare<T> => {
      const estimatedArrival = c.deliveryMinutes === null ? null : new Date(options.now.getTime() + c.deliveryMinutes * 60_000);
      return { ...c, estimatedArrival, meetsDeadline: estimatedArrival !== null && estimatedArrival <= options.deadline };
    })
    .sort(
      (a, b) =>
        Number(b.meetsDeadline) - Number(a.meetsDeadline) ||
        (a.deliveryMinutes ?? Infinity) - (b.deliveryMinutes ?? Infinity) ||
        // Same speed: a new part before a refurbished one, then the depot with more to spare.
        CONDITION_PREFERENCE[a.condition] - CONDITION_PREFERENCE[b.condition] ||
        b.available - a.available ||
        a.depotCode.localeCompare(b.depotCode),
    );
}
