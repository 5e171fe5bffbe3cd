/**
 * Which support centre visits a site when the plan does not name one: the
 * local partner (tier 1) of the site's region, else the regional centre
 * (tier 2) of the region, else whoever is at the top of the network. Ties go
 * to the lowest code so the choice is stable from one generation to the next.
 */
export interface CentreCandidate {
  readonly id: string;
  readonly code: string;
  readonly tier: number;
  readonly region: string;
}

export function chooseCentre(centres: readonly CentreCandidate[], region: string): CentreCandidate | null {
  const byCode = (a: CentreCandidate, b: CentreCandidate) => a.code.localeCompare(b.code);
  for (const tier of [1, 2]) {
    const local = centres.filter((c) => c.tier === tier && c.region === region).sort(byCode);
    if (local.length > 0) return local[0];
  }
  return [...centres].sort((a, b) => b.tier - a.tier || byCode(a, b))[0] ?? null;
}
