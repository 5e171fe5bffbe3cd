/**
 * Which loaner to lend for a customer's unit under repair: the same model if
 * any is free, otherwise one of the same equivalence class (a unit the
 * customer's workload runs on unchanged). Within each, the nearest depot
 * (shortest delivery time to the unit's site) first; depots that do not cover
 * the site come last, since a loaner that arrives late still beats none.
 */
export type LoanerMatchKind = 'SAME_MODEL' | 'EQUIVALENT';

export interface DeviceProfile {
  readonly model: string;
  readonly equivalenceClass: string;
}

export interface LoanerCandidate extends DeviceProfile {
  readonly serialNumber: string;
  readonly depotId: string;
}

export type RankedLoaner<T extends LoanerCandidate> = T & {
  readonly match: LoanerMatchKind;
  readonly deliveryMinutes: number | null;
};

export function loanerMatch(device: DeviceProfile, loaner: DeviceProfile): LoanerMatchKind | null {
  if (loaner.model === device.model) return 'SAME_MODEL';
  if (loaner.equivalenceClass === device.equivalenceClass) return 'EQUIVALENT';
  return null;
}

const MATCH_RANK: Record<LoanerMatchKind, number> = { SAME_MODEL: 0, EQUIVALENT: 1 };

export function rankLoaners<T extends LoanerCandidate>(
  device: DeviceProfile,
  loaners: readonly T[],
  deliveryMinutesByDepot: ReadonlyMap<string, number>,
): Array<RankedLoaner<T>> {
  const ranked: Array<RankedLoaner<T>> = [];
  for (const loaner of loaners) {
    const match = loanerMatch(device, loaner);
    if (match) ranked.push({ ...loaner, match, deliveryMinutes: deliveryMinutesByDepot.get(loaner.depotId) ?? null });
  }
  return ranked.sort(
    (a, b) =>
      MATCH_RANK[a.match] - MATCH_RANK[b.match] ||
      (a.deliveryMinutes ?? Infinity) - (b.deliveryMinutes ?? Infinity) ||
      a.serialNumber.localeCompare(b.serialNumber),
  );
}
