import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { AnnouncePartEolInput, CreatePartInput, PartFilter } from '../inventory.inputs';
import { fitsModelsLoader } from '../inventory.loaders';
import { EolImpact } from '../inventory.types';
import { Part } from '../part.entity';
import { PartsService } from '../parts.service';
import { STAFF } from './shared';

@Resolver(() => Part)
export class PartResolver {
  private readonly service: PartsService;
  constructor(hub: Hub) {
    this.service = hub.get(PartsService);
  }

  @Authorized()
  @Query(() => [Part], { description: 'The parts catalogue (readable by every key)' })
  parts(@Arg('filter', () => PartFilter, { nullable: true }) filter?: PartFilter): Promise<Part[]> {
    return this.service.list(filter ?? {});
  }

  @Authorized()
  @Query(() => Part)
  part(@Arg('partNumber') partNumber: string): Promise<Part> {
    return this.service.get(partNumber);
  }

  @Authorized()
  @Query(() => EolImpact, { description: 'Installed base affected by the end of supply of a part (as far as the key may see devices)' })
  async eolImpact(@Arg('partNumber') partNumber: string, @Ctx() ctx: HubContext): Promise<EolImpact> {
    const impact = await this.service.eolImpact(principalOf(ctx), partNumber);
    return {
      part: impact.part,
      deviceCount: impact.deviceCount,
      customerCount: impact.customers.length,
      customers: impact.customers.map((c) => ({ customerId: c.customerId, deviceCount: c.devices.length, devices: c.devices })),
    };
  }

  @FieldResolver(() => [String], { description: 'Device models the part fits' })
  fitsModels(@Root() part: Part, @Ctx() ctx: HubContext): Promise<string[]> {
    return fitsModelsLoader(ctx).load(part.id);
  }

  @Authorized(...STAFF)
  @Mutation(() => Part)
  createPart(@Arg('input') input: CreatePartInput): Promise<Part> {
    return this.service.create(input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Part, {
    description: 'Marks a part EOL and sends an END_OF_LIFE notice to every customer with an affected active device',
  })
  announcePartEol(@Arg('input') input: AnnouncePartEolInput, @Ctx() ctx: HubContext): Promise<Part> {
    return this.service.announceEol(principalOf(ctx), input);
  }
}
