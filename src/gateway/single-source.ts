import { handleFederationSupergraph, type UnifiedGraphHandler, type UnifiedGraphHandlerResult } from '@graphql-mesh/fusion-runtime';
import { executorFromSchema } from '@graphql-tools/executor';
import { BREAK, getOperationAST, Kind, validate, visit, type DocumentNode, type GraphQLSchema, type OperationTypeNode } from 'graphql';

type Executor = NonNullable<UnifiedGraphHandlerResult['executor']>;

/** True when the document asks for the schema itself: the supergraph answers that, not a source. */
function hasIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The query planner's shortcut for an operation one source answers on its own.
 *
 * Hive Gateway plans every operation through schema stitching: it sends the source the
 * fields it owns, then runs graphql-js over the supergraph to build the answer, field by
 * field, from the source's result. When every field of a query or mutation belongs to one
 * source (the document is valid against that source's own schema, as the supergraph
 * extracted it), that plan is a single fetch of the same document, and the source's
 * answer already is the answer: the portal's `rmas` page, for one. Such an operation goes
 * to the source as it is, through the same subgraph executor (headers forwarded, timeout,
 * transport, error naming); everything else, subscriptions included, is stitched as before.
 *
 * `sources` are the candidates in order (GraphQL and federation sources only); the
 * decision is made once per parsed document.
 */
export function singleSourceShortcut(sources: readonly string[]): UnifiedGraphHandler {
  return (opts) => {
    const handled = handleFederationSupergraph(opts);
    const stitched = executorFromSchema(handled.unifiedGraph);
    const candidates: Array<{ name: string; schema: GraphQLSchema }> = [];
    for (const name of sources) {
      let subschema: { schema?: GraphQLSchema; transforms?: unknown[] } | undefined;
      try {
        subschema = handled.getSubschema(name);
      } catch {
        continue; // not in this supergraph
      }
      // A source whose fields the gateway renames or reshapes needs the stitched plan.
      if (subschema?.schema && !subschema.transforms?.length) candidates.push({ name, schema: subschema.schema });
    }
    /** The source that answers the document alone, with the operation's type; null: stitched. */
    type Owner = { source: string; operationType: OperationTypeNode } | null;
    const owners = new WeakMap<DocumentNode, Owner>();
    const ownerOf = (document: DocumentNode, operationName: string | undefined): Owner => {
      let owner = owners.get(document);
      if (owner === undefined) {
        const operation = getOperationAST(document, operationName);
        const source =
          operation && operation.operation !== 'subscription' && !hasIntrospection(document)
            ? candidates.find(({ schema }) => validate(schema, document).length === 0)?.name
            : undefined;
        owner = operation && source ? { source, operationType: operation.operation } : null;
        // Several operations in one document: decided per document only when it holds one.
        if (document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length === 1) owners.set(document, owner);
      }
      return owner;
    };
    const executor: Executor = (request) => {
      const owner = ownerOf(request.document, request.operationName);
      if (owner === null) return stitched(request);
      return opts.onSubgraphExecute(owner.source, { ...request, operationType: owner.operationType });
    };
    return { ...handled, executor };
  };
}
