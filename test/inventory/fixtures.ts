import type { TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, createContract } from '../incidents/fixtures';

/** A small world for inventory tests: two depots (east and north), a customer with sites in both regions, parts. */
export interface World {
  customerId: string;
  eastSiteId: string;
  northSiteId: string;
  depotA: string;
  depotB: string;
  /** An incident of the customer (reservations must name an incident that exists, or an RMA). */
  incidentId: string;
}

export async function createWorld(t: TestHub, prefix = 'W'): Promise<World> {
  const customer = await t.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, {
    i: { code: `${prefix}-CUST`, name: `${prefix} customer` },
  });
  const customerId = customer.createCustomer.id;
  const site = async (name: string, region: string) =>
    (
      await t.ok(`mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
        i: { customerId, name, city: name, region },
      })
    ).createSite.id as string;
  const eastSiteId = await site('East DC', 'CN-EAST');
  const northSiteId = await site('North DC', 'CN-NORTH');
  const depot = async (code: string, region: string) =>
    (
      await t.ok(`mutation($i: CreateDepotInput!) { createDepot(input: $i) { id } }`, {
        i: { code: `${prefix}-${code}`, name: `Depot ${code}`, region, city: code },
      })
    ).createDepot.id as string;
  const depotA = await depot('A', 'CN-EAST');
  const depotB = await depot('B', 'CN-NORTH');
  await setCoverage(t, depotA, [
    { region: 'CN-EAST', deliveryTime: 'PT2H' },
    { region: 'CN-NORTH', deliveryTime: 'PT10H' },
  ]);
  await setCoverage(t, depotB, [
    { region: 'CN-NORTH', deliveryTime: 'PT2H' },
    { region: 'CN-EAST', deliveryTime: 'PT8H' },
  ]);
  const serialNumber = `${prefix}-SN-${Date.now().toString(36).toUpperCase()}`;
  await t.ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
    i: { serialNumber, vendor: 'Dell', model: 'Model X', equivalenceClass: '2U-2S-SERVER', siteId: eastSiteId },
  });
  const contractId = await createContract(t, { plan: CALM_7X24, customerId });
  await assignToCustomer(t, contractId, customerId);
  const incidentId = (
    await t.ok(`mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
      i: { channel: 'API', summary: `${prefix} disk failed`, severity: 'P3', deviceSerial: serialNumber },
    })
  ).reportIncident.id as string;
  return { customerId, eastSiteId, northSiteId, depotA, depotB, incidentId };
}

export const setCoverage = (t: TestHub, depotId: string, coverage: Array<Record<string, string>>) =>
  t.ok(`mutation($d: ID!, $c: [DepotCoverageInput!]!) { setDepotCoverage(depotId: $d, coverage: $c) { id } }`, { d: depotId, c: coverage });

export const createPart = (t: TestHub, partNumber: string, fitsModels: string[] = ['Model X']) =>
  t.ok(`mutation($i: CreatePartInput!) { createPart(input: $i) { id partNumber } }`, {
    i: { partNumber, manufacturer: 'Acme', description: `${partNumber} spare`, fitsModels },
  });

export const receive = (t: TestHub, depotId: string, partNumber: string, quantity: number, condition = 'NEW', key?: string) =>
  t.ok(`mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { id onHand reserved available } }`, {
    i: { depotId, partNumber, quantity, condition, ...(key ? { idempotencyKey: key } : {}) },
  });

export const RESERVE = `mutation($i: ReservePartsInput!) {
  reserveParts(input: $i) { id status quantity idempotencyKey holdUntil }
}`;

export const stockLevel = async (t: TestHub, depotId: string, partNumber: string, condition = 'NEW') => {
  const data = await t.ok(`query($f: StockFilter) { stockLevels(filter: $f) { id onHand reserved available alertOpen condition } }`, {
    f: { depotId, partNumber, condition },
  });
  return data.stockLevels[0] as { id: string; onHand: number; reserved: number; available: number; alertOpen: boolean };
};

/**
 * Stock lines whose onHand / reserved differ from the sum of their movements.
 * Empty means every level is explained by its ledger.
 */
export async function unexplainedStock(t: TestHub): Promise<unknown[]> {
  const rows: Array<Record<string, unknown>> = await t.app.hub.db.manager.query(
    `SELECT s.id AS id, s.onHand AS onHand, s.reserved AS reserved,
            COALESCE(SUM(m.onHandDelta), 0) AS movedOnHand, COALESCE(SUM(m.reservedDelta), 0) AS movedReserved
       FROM stock s LEFT JOIN stock_movements m ON m.stockId = s.id
      GROUP BY s.id, s.onHand, s.reserved`,
  );
  return rows.filter(
    (r) =>
      Number(r.onHand) !== Number(r.movedOnHand) ||
      Number(r.reserved) !== Number(r.movedReserved) ||
      Number(r.onHand) < 0 ||
      Number(r.reserved) < 0 ||
      Number(r.onHand) < Number(r.reserved),
  );
}

export const uniqueKey = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
