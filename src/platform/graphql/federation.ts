import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLFieldResolver, GraphQLSchema, lexicographicSortSchema, parse } from 'graphql';
import { Brackets, ObjectLiteral } from 'typeorm';
import { createResolversMap, Directive, getMetadataStorage } from 'type-graphql';
import { isStaff } from '../auth/principal';
import { canSee, scopeQuery } from '../auth/scope';
import { badInput, notFound, unauthenticated } from '../errors';
import type { HubContext } from './context';

/** The Federation 2 version the subgraph links; the gateway and Apollo Router both understand it. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.7';

interface EntityKeysOptions {
  /** Rows any authenticated key may read (the parts catalogue); otherwise the entity's @TenantScoped columns decide. */
  readableByEveryKey?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const federatedEntities = new Map<Function, { fields: string[]; readableByEveryKey: boolean }>();

/**
 * Makes a GraphQL object type that is also a TypeORM entity a federation entity:
 * one `@key` per field, each resolvable from another subgraph through `_entities`,
 * scoped like the root fields and batched per request.
 */
export function EntityKeys(fields: string[], options: EntityKeysOptions = {}): ClassDecorator {
  return (target) => {
    for (const field of fields) Directive(`@key(fields: "${field}")`)(target);
    federatedEntities.set(target, { fields, readableByEveryKey: options.readableByEveryKey ?? false });
  };
}

const KEY_SEPARATOR = '\u0000';

/**
 * One DataLoader per entity type and request: every representation of that type in
 * the request becomes one statement (`key1 IN (...) OR key2 IN (...)`), narrowed to
 * the rows the key may see, so another tenant's row is never even read.
 */
function referenceLoader(
  ctx: HubContext,
  typeName: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entity: Function,
  readableByEveryKey: boolean,
) {
  return ctx.loaders.get<string, ObjectLiteral>(`federation.${typeName}`, async (keys) => {
    const principal = ctx.principal!; // requireKey ran first
    const byField = new Map<string, Set<string>>();
    for (const key of keys) {
      const [field, value] = key.split(KEY_SEPARATOR) as [string, string];
      if (!byField.has(field)) byField.set(field, new Set());
      byField.get(field)!.add(value);
    }
    const qb = ctx.hub.db.manager.createQueryBuilder(entity, 'e');
    qb.where(
      new Brackets((or) => {
        [...byField].forEach(([field, values], i) => or.orWhere(`e.${field} IN (:...k${i})`, { [`k${i}`]: [...values] }));
      }),
    );
    if (!readableByEveryKey && !isStaff(principal)) scopeQuery(qb, principal, entity, 'e');
    const rows = await qb.getMany();
    const found = new Map<string, ObjectLiteral>();
    for (const row of rows) for (const field of byField.keys()) found.set(`${field}${KEY_SEPARATOR}${String(row[field])}`, row);
    return keys.map((key) => {
      const row = found.get(key);
      // Defence in depth: the statement is scoped already.
      if (row && (readableByEveryKey || canSee(principal, entity, row))) return row;
      return notFound(typeName, key.split(KEY_SEPARATOR)[1]!);
    });
  });
}

function withReferenceResolvers(resolvers: GraphQLResolverMap<HubContext>): GraphQLResolverMap<HubContext> {
  const objectTypes = getMetadataStorage().objectTypes;
  for (const [entity, { fields, readableByEveryKey }] of federatedEntities) {
    const typeName = objectTypes.find((t) => t.target === entity)?.name;
    if (!typeName) throw new Error(`@EntityKeys on ${entity.name}, which is not a GraphQL object type`);
    resolvers[typeName] = {
      ...resolvers[typeName],
      // async: a throw becomes this index's error instead of failing every representation.
      __resolveReference: async (reference: Record<string, unknown>, ctx: HubContext) => {
        const field = fields.find((f) => reference[f] !== undefined && reference[f] !== null);
        const value = field ? reference[field] : undefined;
        if (!field || (typeof value !== 'string' && typeof value !== 'number'))
          throw badInput(`A ${typeName} representation needs one of: ${fields.join(', ')}`);
        return referenceLoader(ctx, typeName, entity, readableByEveryKey).load(`${field}${KEY_SEPARATOR}${String(value)}`);
      },
    } as never;
  }
  return resolvers;
}

/** `_entities` and `_service` answer authenticated keys only, like every other root field. */
function requireKey(schema: GraphQLSchema, fieldName: string): void {
  const field = schema.getQueryType()!.getFields()[fieldName]!;
  const resolve = field.resolve as GraphQLFieldResolver<unknown, HubContext>;
  field.resolve = (source, args, ctx, info) => {
    if (!ctx.principal) throw unauthenticated();
    return resolve(source, args, ctx, info);
  };
}

/**
 * The hub's schema as an Apollo Federation 2 subgraph (type-graphql's documented path:
 * print the type-graphql schema with its directives, rebuild it with @apollo/subgraph
 * and the same resolvers). It serves everything the plain schema does, plus `_service`
 * and `_entities`.
 */
export function buildSubgraph(schema: GraphQLSchema): GraphQLSchema {
  const sdl = printSchemaWithDirectives(lexicographicSortSchema(schema));
  const typeDefs = parse(`extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])\n\n${sdl}`);
  const subgraph = buildSubgraphSchema({
    typeDefs,
    resolvers: withReferenceResolvers(createResolversMap(schema) as GraphQLResolverMap<HubContext>) as GraphQLResolverMap<unknown>,
  });
  requireKey(subgraph, '_entities');
  requireKey(subgraph, '_service');
  return subgraph;
}

/** The checked-in subgraph SDL (schema/hub.subgraph.graphql): what `_service { sdl }` answers. */
export function printHubSubgraph(subgraph: GraphQLSchema): string {
  return `${printSubgraphSchema(subgraph).trim()}\n`;
}
