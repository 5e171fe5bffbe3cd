/**
 * Authorization probes generated from the schema (the companion of
 * schema-probe.ts): for a root field, an operation that selects every field
 * reachable without required arguments, nested objects included, with its
 * arguments (and the fields of its input objects) filled from a dictionary of
 * argument names (customerId, depotId, rmaNumber...) pointing at a tenant's
 * real ids. An argument it cannot fill makes `probeOperation` throw, naming it,
 * so a new argument name has to be classified before the test passes.
 */
import {
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLUnionType,
} from 'graphql';

export type ArgValues = Record<string, unknown>;

export class UnclassifiedArgument extends Error {}

/** A literal for a required argument that is not tenant data (an enum, a flag, a date). */
function neutral(type: GraphQLInputType, path: string): unknown {
  if (isNonNullType(type)) return neutral(type.ofType, path);
  if (isListType(type)) return [neutral(type.ofType, path)];
  if (isEnumType(type)) return type.getValues()[0].value ?? type.getValues()[0].name;
  const named = getNamedType(type);
  switch (named.name) {
    case 'Boolean':
      return false;
    case 'Int':
      return 1; // counts and page sizes
    case 'DateTimeISO':
      return new Date().toISOString();
    default:
      throw new UnclassifiedArgument(`required argument ${path} (${named.name}) is not in the dictionary of tenant arguments`);
  }
}

/** The value for `name` of `type`: from the dictionary, recursing into input objects; undefined = leave it out. */
function fill(name: string, type: GraphQLInputType, dictionary: ArgValues, path: string, all: boolean, hasDefault = false): unknown {
  const required = isNonNullType(type) && !hasDefault;
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      const v = fill(field.name, field.type, dictionary, `${path}.${field.name}`, all, field.defaultValue !== undefined);
      if (v !== undefined) value[field.name] = v;
    }
    return Object.keys(value).length > 0 || required ? (isListType(isNonNullType(type) ? type.ofType : type) ? [value] : value) : undefined;
  }
  if (name in dictionary && (required || all)) {
    const v = dictionary[name];
    return isListType(isNonNullType(type) ? type.ofType : type) && !Array.isArray(v) ? [v] : v;
  }
  return required ? neutral(type, path) : undefined;
}

/** Selection of every field reachable without required arguments, objects down to `depth` levels. */
export function fullSelection(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type)) return unionSelection(type);
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const parts: string[] = [];
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const sub = getNamedType(field.type);
    if (isLeafType(sub)) parts.push(field.name);
    else if (depth > 1) parts.push(`${field.name} ${fullSelection(sub, depth - 1)}`);
  }
  return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
}

/**
 * Each member's leaf fields (`_entities` answers such a union), leaving out a name whose type differs
 * between members: the response shapes of one name must agree, and aliases are limited.
 */
function unionSelection(type: GraphQLUnionType): string {
  const members = type.getTypes();
  const typesOf = new Map<string, Set<string>>();
  for (const member of members)
    for (const field of Object.values(member.getFields())) {
      if (!isLeafType(getNamedType(field.type)) || field.args.some((a) => isNonNullType(a.type))) continue;
      typesOf.set(field.name, (typesOf.get(field.name) ?? new Set()).add(String(field.type)));
    }
  const fragments = members.map((member) => {
    const fields = Object.keys(member.getFields()).filter((name) => typesOf.get(name)?.size === 1);
    return `... on ${member.name} { ${fields.join(' ') || '__typename'} }`;
  });
  return `{ __typename ${fragments.join(' ')} }`;
}

export interface Probe {
  document: string;
  variables: Record<string, unknown>;
}

/**
 * An operation on root field `field` of `kind`, with arguments from `dictionary`:
 * `all` also fills optional arguments (filters) that the dictionary knows.
 */
export function probeOperation(
  schema: GraphQLSchema,
  kind: 'query' | 'subscription',
  field: string,
  dictionary: ArgValues,
  options: { all: boolean; depth: number },
): Probe {
  const root = kind === 'query' ? schema.getQueryType() : schema.getSubscriptionType();
  const f = root?.getFields()[field];
  if (!f) throw new Error(`no ${kind} field ${field}`);
  const variables: Record<string, unknown> = {};
  const defs: string[] = [];
  const args: string[] = [];
  for (const arg of f.args) {
    const v = fill(arg.name, arg.type, dictionary, `${field}(${arg.name})`, options.all, arg.defaultValue !== undefined);
    if (v === undefined) continue;
    variables[arg.name] = v;
    defs.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const selection = fullSelection(getNamedType(f.type), options.depth);
  return {
    document: `${kind} Probe${defs.length ? `(${defs.join(', ')})` : ''} { ${field}${args.length ? `(${args.join(', ')})` : ''} ${selection} }`,
    variables,
  };
}

/** Every string in `data` that is one of `ids`, with its path. */
export function leaksIn(data: unknown, ids: Set<string>, path = ''): string[] {
  if (typeof data === 'string') return ids.has(data) ? [`${path} = ${data}`] : [];
  if (Array.isArray(data)) return data.flatMap((v, i) => leaksIn(v, ids, `${path}[${i}]`));
  if (data && typeof data === 'object') return Object.entries(data).flatMap(([k, v]) => leaksIn(v, ids, path ? `${path}.${k}` : k));
  return [];
}
