/**
 * Which depots can deliver to a site, and how fast. A depot covers a site
 * either by a row for that very site or by a row for the site's region; the
 * site row wins because it was measured for that address (a remote machine
 * room is slower than the rest of its region, a site next door faster).
 */
export interface CoverageRow {
  readonly depotId: string;
  readonly region: string | null;
  readonly siteId: string | null;
  readonly deliveryMinutes: number;
}

export function deliveryMinutesToSite(rows: readonly CoverageRow[], site: { id: string; region: string }): Map<string, number> {
  const bySite = new Map<string, number>();
  const byRegion = new Map<string, number>();
  for (const row of rows) {
    if (row.siteId === site.id) bySite.set(row.depotId, Math.min(row.deliveryMinutes, bySite.get(row.depotId) ?? Infinity));
    else if (!row.siteId && row.region === site.region)
      byRegion.set(row.depotId, Math.min(row.deliveryMinutes, byRegion.get(row.depotId) ?? Infinity));
  }
  const result = new Map(byRegion);
  for (const [depotId, minutes] of bySite) result.set(depotId, minutes);
  return result;
}
