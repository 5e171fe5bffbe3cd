import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Customer, Device, Site } from './customer.entity';
import { CreateCustomerInput, CreateSiteInput, RegisterDeviceInput } from './customers.inputs';
import { customerLoader, siteLoader } from './customers.loaders';
import { CustomersService } from './customers.service';

@Resolver(() => Customer)
export class CustomerResolver {
  private readonly service: CustomersService;
  constructor(hub: Hub) {
    this.service = hub.get(CustomersService);
  }

  @Authorized()
  @Query(() => [Customer], { description: 'Customers the key may see (a CUSTOMER key: its own organisation)' })
  customers(@Ctx() ctx: HubContext): Promise<Customer[]> {
    return this.service.listCustomers(principalOf(ctx));
  }

  @Authorized()
  @Query(() => Customer)
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<Customer> {
    return this.service.getCustomer(principalOf(ctx), id);
  }

  @FieldResolver(() => [Site])
  sites(@Root() customer: Customer, @Ctx() ctx: HubContext): Promise<Site[]> {
    return this.service.listSites(principalOf(ctx), customer.id);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Customer)
  createCustomer(@Arg('input') input: CreateCustomerInput): Promise<Customer> {
    return this.service.createCustomer(input);
  }
}

@Resolver(() => Site)
export class SiteResolver {
  private readonly service: CustomersService;
  constructor(hub: Hub) {
    this.service = hub.get(CustomersService);
  }

  @Authorized()
  @Query(() => [Site])
  sites(@Ctx() ctx: HubContext, @Arg('customerId', () => ID, { nullable: true }) customerId?: string): Promise<Site[]> {
    return this.service.listSites(principalOf(ctx), customerId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() site: Site, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(site.customerId);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Site)
  createSite(@Arg('input') input: CreateSiteInput): Promise<Site> {
    return this.service.createSite(input);
  }
}

@Resolver(() => Device)
export class DeviceResolver {
  private readonly service: CustomersService;
  constructor(hub: Hub) {
    this.service = hub.get(CustomersService);
  }

  @Authorized()
  @Query(() => Device, { description: 'A unit of the installed base by serial number' })
  device(@Arg('serial') serial: string, @Ctx() ctx: HubContext): Promise<Device> {
    return this.service.getDeviceBySerial(principalOf(ctx), serial);
  }

  @Authorized()
  @Query(() => [Device])
  devices(
    @Ctx() ctx: HubContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('siteId', () => ID, { nullable: true }) siteId?: string,
    @Arg('model', () => String, { nullable: true }) model?: string,
  ): Promise<Device[]> {
    return this.service.listDevices(principalOf(ctx), { customerId, siteId, model });
  }

  @FieldResolver(() => Customer)
  customer(@Root() device: Device, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(device.customerId);
  }

  @FieldResolver(() => Site)
  site(@Root() device: Device, @Ctx() ctx: HubContext): Promise<Site> {
    return siteLoader(ctx).load(device.siteId);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Device)
  registerDevice(@Arg('input') input: RegisterDeviceInput): Promise<Device> {
    return this.service.registerDevice(input);
  }
}
