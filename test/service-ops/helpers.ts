import type { TestHub } from '../support/hub';

let counter = 0;
export const tag = () => `${Date.now().toString(36).toUpperCase()}${(counter++).toString(36).toUpperCase()}`;

/** A tier 3 OEM centre with a tier 1 partner below it in CN-EAST (the fixtures' sites are in CN-EAST). */
export async function createCentres(t: TestHub): Promise<{ oem: string; partner: string; otherPartner: string }> {
  const centre = async (input: Record<string, unknown>) =>
    (await t.ok(`mutation($i: CreateSupportCentreInput!) { createSupportCentre(input: $i) { id } }`, { i: input })).createSupportCentre
      .id as string;
  const id = tag();
  const oem = await centre({ code: `T3-${id}`, name: 'OEM technical centre', tier: 3, region: 'CN' });
  const partner = await centre({ code: `T1-A-${id}`, name: 'Shanghai partner', tier: 1, region: 'CN-EAST', parentId: oem });
  const otherPartner = await centre({ code: `T1-B-${id}`, name: 'Beijing partner', tier: 1, region: 'CN-NORTH', parentId: oem });
  return { oem, partner, otherPartner };
}

export async function importCalendar(t: TestHub, years: number[]): Promise<void> {
  for (const year of years) await t.ok(`mutation($y: Int!) { importCalendarYear(region: "CN", year: $y) { complete } }`, { y: year });
}

export async function outboxTypes(t: TestHub, key: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await t.app.hub.db.dataSource.query(`SELECT type FROM outbox WHERE messageKey = ? ORDER BY seq`, [
    key,
  ]);
  return rows.map((r) => r.type);
}
