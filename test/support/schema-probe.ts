import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  isUnionType,
} from 'graphql';

/**
 * Builds a minimal valid operation for every root field of a schema, so tests
 * can probe each one (authentication, authorization) without a hand-kept list:
 * a new field is probed the day it is added.
 */
export interface RootOperation {
  kind: 'query' | 'mutation' | 'subscription';
  field: string;
  document: string;
}

function literalFor(type: GraphQLInputType, depth = 0): string {
  if (isNonNullType(type)) return literalFor(type.ofType, depth);
  if (isListType(type)) return `[${literalFor(type.ofType, depth)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${depth > 4 ? 'null' : literalFor(f.type, depth + 1)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return '1';
      case 'Float':
        return '1.5';
      case 'Boolean':
        return 'true';
      case 'JSON':
      case 'JSONObject':
        return '{}';
      case 'DateTimeISO':
      case 'DateTime':
      case 'Timestamp':
        return '"2026-01-05T02:00:00.000Z"';
      default:
        return '"probe-00000000"';
    }
  }
  return 'null';
}

function selectionFor(type: GraphQLNamedType, depth = 0): string {
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields()) as GraphQLField<unknown, unknown>[];
    const scalars = fields.filter(
      (f) =>
        f.args.length === 0 &&
        !isObjectType(getNamedType(f.type)) &&
        !isUnionType(getNamedType(f.type)) &&
        !isInterfaceType(getNamedType(f.type)),
    );
    if (scalars.length > 0 || depth > 2)
      return `{ ${
        (scalars.length ? scalars : fields.slice(0, 1))
          .map((f) => f.name)
          .slice(0, 3)
          .join(' ') || '__typename'
      } }`;
    const nested = fields.find((f) => f.args.every((a) => !isNonNullType(a.type)));
    return nested ? `{ ${nested.name} ${selectionFor(getNamedType(nested.type), depth + 1)} }` : '{ __typename }';
  }
  if (isUnionType(type)) return '{ __typename }';
  return '';
}

const argsFor = (args: readonly GraphQLArgument[]) => {
  const required = args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length ? `(${required.map((a) => `${a.name}: ${literalFor(a.type)}`).join(', ')})` : '';
};

export function rootOperations(schema: GraphQLSchema): RootOperation[] {
  const roots: Array<[RootOperation['kind'], ReturnType<GraphQLSchema['getQueryType']>]> = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) =>
    type
      ? Object.values(type.getFields()).map((field) => ({
          kind,
          field: field.name,
          document: `${kind} { ${field.name}${argsFor(field.args)} ${selectionFor(getNamedType(field.type))} }`,
        }))
      : [],
  );
}
