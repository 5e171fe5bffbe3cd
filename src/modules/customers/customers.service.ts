import { selectByIds } from '../../platform/db/raw-sql';
import type { Principal } from '../../platform/auth/principal';
import { canSee, scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import { badInput, conflict, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Customer, Device, Site } from './customer.entity';
import type { CreateCustomerInput, CreateSiteInput, RegisterDeviceInput } from './customers.inputs';

export class CustomersService {
  constructor(private readonly hub: Hub) {}

  private get em() {
    return this.hub.db.manager;
  }

  listCustomers(principal: Principal): Promise<Customer[]> {
    return scopeQuery(this.em.createQueryBuilder(Customer, 'c'), principal, Customer).orderBy('c.code').getMany();
  }

  /** Not found and not visible look the same to a tenant: ids of other tenants are not confirmed. */
  async getCustomer(principal: Principal, id: string): Promise<Customer> {
    const customer = await this.em.findOneBy(Customer, { id });
    if (!customer || !canSee(principal, Customer, customer)) throw notFound('Customer', id);
    return customer;
  }

  listSites(principal: Principal, customerId?: string | null): Promise<Site[]> {
    const qb = scopeQuery(this.em.createQueryBuilder(Site, 's'), principal, Site);
    if (customerId) qb.andWhere('s.customerId = :customerId', { customerId });
    return qb.orderBy('s.name').getMany();
  }

  async getSite(principal: Principal, id: string): Promise<Site> {
    const site = await this.em.findOneBy(Site, { id });
    if (!site || !canSee(principal, Site, site)) throw notFound('Site', id);
    return site;
  }

  async getDeviceBySerial(principal: Principal, serialNumber: string): Promise<Device> {
    const device = await this.em.findOneBy(Device, { serialNumber });
    if (!device || !canSee(principal, Device, device)) throw notFound('Device', serialNumber);
    return device;
  }

  listDevices(principal: Principal, filter: { customerId?: string | null; siteId?: string | null; model?: string | null }) {
    const qb = scopeQuery(this.em.createQueryBuilder(Device, 'd'), principal, Device);
    if (filter.customerId) qb.andWhere('d.customerId = :customerId', { customerId: filter.customerId });
    if (filter.siteId) qb.andWhere('d.siteId = :siteId', { siteId: filter.siteId });
    if (filter.model) qb.andWhere('d.model = :model', { model: filter.model });
    return qb.orderBy('d.serialNumber').getMany();
  }

  async createCustomer(input: CreateCustomerInput): Promise<Customer> {
    if (await this.em.findOneBy(Customer, { code: input.code }))
      throw conflict(`A customer with code ${input.code} exists`, { field: 'code' });
    const customer = Object.assign(new Customer(), {
      id: newId(),
      code: input.code,
      name: input.name,
      contactName: input.contactName ?? null,
      contactEmail: input.contactEmail ?? null,
      contactPhone: input.contactPhone ?? null,
      createdAt: new Date(),
    });
    await this.em.insert(Customer, customer);
    return customer;
  }

  async createSite(input: CreateSiteInput): Promise<Site> {
    if (!(await this.em.findOneBy(Customer, { id: input.customerId }))) throw notFound('Customer', input.customerId);
    if (!isTimeZone(input.timeZone)) throw badInput(`Unknown time zone ${input.timeZone}`, { field: 'timeZone' });
    const site = Object.assign(new Site(), {
      id: newId(),
      customerId: input.customerId,
      name: input.name,
      city: input.city,
      region: input.region,
      timeZone: input.timeZone,
      calendarRegion: input.calendarRegion,
      distanceClass: input.distanceClass,
      address: input.address ?? null,
      createdAt: new Date(),
    });
    await this.em.insert(Site, site);
    return site;
  }

  async registerDevice(input: RegisterDeviceInput): Promise<Device> {
    const site = await this.em.findOneBy(Site, { id: input.siteId });
    if (!site) throw notFound('Site', input.siteId);
    if (await this.em.findOneBy(Device, { serialNumber: input.serialNumber }))
      throw conflict(`Serial number ${input.serialNumber} is already registered`, { field: 'serialNumber' });
    if (input.warrantyStart && input.warrantyEnd && input.warrantyEnd < input.warrantyStart)
      throw badInput('warrantyEnd is before warrantyStart', { field: 'warrantyEnd' });
    const device = Object.assign(new Device(), {
      id: newId(),
      serialNumber: input.serialNumber,
      vendor: input.vendor,
      model: input.model,
      equivalenceClass: input.equivalenceClass ?? input.model,
      customerId: site.customerId,
      siteId: site.id,
      contractId: input.contractId ?? null,
      installedAt: input.installedAt ?? null,
      warrantyStart: input.warrantyStart ?? null,
      warrantyEnd: input.warrantyEnd ?? null,
      active: true,
      createdAt: new Date(),
    });
    await this.em.insert(Device, device);
    return device;
  }

  /** Batch lookups for dataloaders (no scoping: callers reach these rows through an already-scoped parent). */
  async customersByIds(ids: readonly string[]): Promise<Array<Customer | Error>> {
    const rows = await selectByIds(this.em, Customer, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Customer', id));
  }
  async sitesByIds(ids: readonly string[]): Promise<Array<Site | Error>> {
    const rows = await selectByIds(this.em, Site, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Site', id));
  }
  async devicesByIds(ids: readonly string[]): Promise<Array<Device | Error>> {
    const rows = await selectByIds(this.em, Device, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? notFound('Device', id));
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
