import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
// graphql-js's own field collection (fragments, aliases, @skip/@include), as the executor will walk the page.
import { collectSubfields } from 'graphql/execution/collectFields';
import type { HubContext } from './context';

/**
 * How to load one nested field of a whole page's rows at once: the same loader
 * calls the field resolver makes per row, as `loadMany`. Loaders never reject
 * a `loadMany`; a row's error comes back when its field resolver asks again.
 */
export type NodeFieldPrefetch<T> = (ctx: HubContext, rows: readonly T[]) => Promise<unknown>;

/** The fields the client selected on the connection's `edges { node { ... } }`, by field name. */
export function selectedNodeFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const connection = getNamedType(info.returnType);
  if (!isObjectType(connection)) return names;
  const sub = (type: GraphQLObjectType, nodes: ReadonlyArray<FieldNode>) =>
    collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);

  const edgesNodes = sub(connection, info.fieldNodes).get('edges');
  const edgeType = getNamedType(connection.getFields().edges?.type);
  if (!edgesNodes || !isObjectType(edgeType)) return names;
  // Under aliases a client may select `node` more than once; every selection counts.
  for (const [, nodeNodes] of sub(edgeType, edgesNodes)) {
    if (nodeNodes[0].name.value !== 'node') continue;
    const nodeType = getNamedType(edgeType.getFields().node.type);
    if (!isObjectType(nodeType)) continue;
    for (const [, fieldNodes] of sub(nodeType, nodeNodes)) names.add(fieldNodes[0].name.value);
  }
  return names;
}

/**
 * Loads the selected nested fields of a page before graphql-js walks it, one
 * batched statement per field as before (the loaders are the field resolvers'
 * own), so that the field resolvers find every row's value already known
 * (`HubLoader.loadNow`) and the page completes without a promise per field
 * per row. The statement count of a page does not change; fields with no
 * prefetch, or not selected, resolve as they always do.
 */
export async function prefetchNodeFields<T>(
  ctx: HubContext,
  info: GraphQLResolveInfo,
  rows: readonly T[],
  prefetches: Readonly<Record<string, NodeFieldPrefetch<T>>>,
): Promise<void> {
  if (rows.length === 0) return;
  const pending: Array<Promise<unknown>> = [];
  for (const name of selectedNodeFields(info)) {
    const prefetch = prefetches[name];
    if (prefetch) pending.push(prefetch(ctx, rows));
  }
  await Promise.all(pending);
}
