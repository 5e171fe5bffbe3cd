/**
 * Two tenants' worth of data for authorization tests: per world a customer
 * with a site and devices, a contract, an incident assigned to the world's
 * support centre, a depot with stock, a reservation, loaners and a loan, an
 * RMA raised by the world's centre, a notice and a stock alert; plus the keys
 * of the world's three tenant roles. Worlds live in different regions so no
 * depot of one serves the other. Shared reference data (the OEM centre, the
 * parts catalogue) belongs to neither.
 */
import { In } from 'typeorm';
import { allEntities } from '../../src/app';
import { Role } from '../../src/platform/auth/principal';
import { scopeColumns } from '../../src/platform/auth/scope';
import { assignToCustomer, CALM_7X24, createContract } from '../incidents/fixtures';
import type { TestHub } from './hub';

export interface TenantWorld {
  tag: string;
  customerId: string;
  siteId: string;
  deviceId: string;
  serial: string;
  contractId: string;
  incidentId: string;
  centreId: string;
  depotId: string;
  stockId: string;
  reservationId: string;
  reservationKey: string;
  loanerSerial: string;
  spareLoanerSerial: string;
  loanId: string;
  rmaNumber: string;
  keys: Record<'CUSTOMER' | 'PARTNER' | 'WAREHOUSE', string>;
}

export interface Worlds {
  partNumber: string;
  oemId: string;
  w1: TenantWorld;
  w2: TenantWorld;
}

const MODEL = 'PowerEdge R740';

async function createWorld(t: TestHub, tag: string, region: string, oemId: string, partNumber: string): Promise<TenantWorld> {
  const ok = t.ok.bind(t);
  const customerId = (
    await ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { code: `AZ-${tag}`, name: `Tenant ${tag}` } })
  ).createCustomer.id;
  const siteId = (
    await ok(`mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
      i: { customerId, name: `${tag} DC`, city: tag, region, calendarRegion: 'CN' },
    })
  ).createSite.id;
  const serial = `SN-AZ-${tag}`;
  const deviceId = (
    await ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
      i: {
        serialNumber: serial,
        vendor: 'Dell',
        model: MODEL,
        equivalenceClass: '2U-2S-SERVER',
        siteId,
        warrantyStart: new Date(Date.now() - 365 * 86400_000).toISOString(),
        warrantyEnd: new Date(Date.now() + 365 * 86400_000).toISOString(),
      },
    })
  ).registerDevice.id;
  const contractId = await createContract(t, { plan: CALM_7X24, customerId });
  await assignToCustomer(t, contractId, customerId);
  const centreId = (
    await ok(`mutation($i: CreateSupportCentreInput!) { createSupportCentre(input: $i) { id } }`, {
      i: { code: `AZ-C-${tag}`, name: `Centre ${tag}`, tier: 2, region, parentId: oemId, kafkaSourceId: `az-${tag.toLowerCase()}.src` },
    })
  ).createSupportCentre.id;
  const incidentId = (
    await ok(`mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
      i: { channel: 'API', summary: `${tag} down`, severity: 'P3', deviceSerial: serial },
    })
  ).reportIncident.id;
  await ok(`mutation($id: ID!, $c: ID) { assignIncident(id: $id, centreId: $c) { id } }`, { id: incidentId, c: centreId });

  const depotId = (
    await ok(`mutation($i: CreateDepotInput!) { createDepot(input: $i) { id } }`, {
      i: { code: `AZ-D-${tag}`, name: `Depot ${tag}`, region, city: tag },
    })
  ).createDepot.id;
  await ok(`mutation($d: ID!, $c: [DepotCoverageInput!]!) { setDepotCoverage(depotId: $d, coverage: $c) { id } }`, {
    d: depotId,
    c: [{ region, deliveryTime: 'PT2H' }],
  });
  const stockId = (
    await ok(`mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { id } }`, {
      i: { depotId, partNumber, quantity: 5, condition: 'NEW' },
    })
  ).receiveStock.id;
  const reservationKey = `AZ-R-${tag}`;
  const reservationId = (
    await ok(`mutation($i: ReservePartsInput!) { reserveParts(input: $i) { id } }`, {
      i: { depotId, partNumber, quantity: 1, condition: 'NEW', holdFor: 'P1D', idempotencyKey: reservationKey, incidentId },
    })
  ).reserveParts.id;
  // Reorder point above what is available: a LOW_STOCK alert for the depot.
  await ok(`mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { id } }`, {
    i: { depotId, partNumber, condition: 'NEW', reorderPoint: 50, reorderQuantity: 10 },
  });

  const loanerSerial = `LN-AZ-${tag}`;
  const spareLoanerSerial = `LN-AZ-${tag}-2`;
  for (const s of [loanerSerial, spareLoanerSerial])
    await ok(`mutation($i: RegisterLoanerInput!) { registerLoaner(input: $i) { id } }`, {
      i: { depotId, serialNumber: s, vendor: 'Dell', model: MODEL, equivalenceClass: '2U-2S-SERVER' },
    });
  const loanId = (
    await ok(`mutation($i: AssignLoanerInput!) { assignLoaner(input: $i) { id } }`, {
      i: { deviceSerial: serial, incidentId, loanerSerial },
    })
  ).assignLoaner.id;

  const rmaNumber = (
    await ok(`mutation($i: RequestRmaInput!) { requestRma(input: $i) { number } }`, {
      i: { deviceSerial: serial, faultyPartNumbers: [partNumber], problem: 'PSU failed', centreId, incidentId },
    })
  ).requestRma.number;
  await ok(
    `mutation($ids: [ID!]!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: "for ${tag}", body: "b" }) { id } }`,
    { ids: [customerId] },
  );

  return {
    tag,
    customerId,
    siteId,
    deviceId,
    serial,
    contractId,
    incidentId,
    centreId,
    depotId,
    stockId,
    reservationId,
    reservationKey,
    loanerSerial,
    spareLoanerSerial,
    loanId,
    rmaNumber,
    keys: {
      CUSTOMER: await t.createKey(Role.CUSTOMER, customerId),
      PARTNER: await t.createKey(Role.PARTNER, centreId),
      WAREHOUSE: await t.createKey(Role.WAREHOUSE, depotId),
    },
  };
}

export async function createWorlds(t: TestHub): Promise<Worlds> {
  const tag = Date.now().toString(36).toUpperCase().slice(-5);
  const partNumber = `AZ-PART-${tag}`;
  await t.ok(`mutation($i: CreatePartInput!) { createPart(input: $i) { id } }`, {
    i: { partNumber, manufacturer: 'Acme', description: 'PSU', fitsModels: [MODEL] },
  });
  const oemId = (
    await t.ok(`mutation($i: CreateSupportCentreInput!) { createSupportCentre(input: $i) { id } }`, {
      i: { code: `AZ-OEM-${tag}`, name: 'OEM', tier: 3, region: 'CN' },
    })
  ).createSupportCentre.id;
  return {
    partNumber,
    oemId,
    w1: await createWorld(t, `${tag}1`, 'CN-EAST', oemId, partNumber),
    w2: await createWorld(t, `${tag}2`, 'CN-NORTH', oemId, partNumber),
  };
}

/**
 * Every row id that belongs to the world, found generically: for each entity
 * declared @TenantScoped, the rows whose scope column holds the world's
 * customer, centre or depot. A new tenant-scoped entity is covered without
 * touching this list.
 */
export async function rowIdsOf(t: TestHub, w: TenantWorld): Promise<Set<string>> {
  const owners = [w.customerId, w.centreId, w.depotId];
  const ids = new Set<string>(owners);
  const em = t.app.hub.db.manager;
  for (const entity of allEntities()) {
    const columns = [...new Set(Object.values(scopeColumns(entity)))];
    if (columns.length === 0) continue;
    const meta = em.connection.getMetadata(entity);
    const primary = meta.primaryColumns.map((c) => c.propertyName);
    if (primary.length !== 1) continue;
    for (const column of columns) {
      const rows = await em.find(entity, { select: primary as never, where: { [column]: In(owners) } as never });
      for (const row of rows as Array<Record<string, unknown>>) ids.add(String(row[primary[0]]));
    }
  }
  return ids;
}
