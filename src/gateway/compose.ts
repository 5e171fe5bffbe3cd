import { readFileSync } from 'node:fs';
import {
  composeAnnotatedSubgraphs,
  getAnnotatedSubgraphs,
  getComposedResultFromConfig,
  loadGraphQLHTTPSubgraph,
} from '@graphql-mesh/compose-cli';
import type { Logger } from '@graphql-mesh/types';
import { DefaultLogger } from '@graphql-mesh/utils';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';
import { buildSchema, getNullableType, GraphQLSchema, isObjectType, isInterfaceType } from 'graphql';
import { authEnvName, authorizationFor, JoinConfig, SourceConfig, SourcesFile } from './sources';

export type CompositionResult = { supergraphSdl: string; errors: [] } | { supergraphSdl: null; errors: string[] };

/** Headers for a source at request time: `{env.X}` is resolved by the transport, so the secret never enters the supergraph. */
const runtimeHeaders = (s: SourceConfig) => (s.auth ? { authorization: `{env.${authEnvName(s.name)}}` } : undefined);

function sourceHandler(s: SourceConfig, schemaHeaders: Record<string, string>) {
  switch (s.kind) {
    case 'federation':
    case 'graphql':
      return loadGraphQLHTTPSubgraph(s.name, {
        endpoint: s.url,
        source: s.sdlFile,
        federation: s.kind === 'federation',
        schemaHeaders,
        operationHeaders: runtimeHeaders(s),
      });
    case 'openapi':
      return loadOpenAPISubgraph(s.name, {
        source: s.openapi,
        endpoint: s.url,
        schemaHeaders,
        operationHeaders: runtimeHeaders(s),
        // A customer's error bodies are not part of the graph: an error status is an error.
        ignoreErrorResponses: true,
      });
  }
}

/** The `extend type` a join adds, or the reason it cannot (one line, naming the join and the source). */
function joinTypeDefs(join: JoinConfig, schemas: Map<string, GraphQLSchema>): { sdl: string } | { error: string } {
  const label = `join ${join.type}.${join.field}`;
  const target = schemas.get(join.source);
  if (!target) return { error: `${label}: no source named ${join.source}` };
  const query = target.getQueryType()?.getFields()[join.query];
  if (!query) return { error: `${label}: source ${join.source} has no query field ${join.query}` };
  const owners = [...schemas].filter(
    ([name, schema]) => name !== join.source && (isObjectType(schema.getType(join.type)) || isInterfaceType(schema.getType(join.type))),
  );
  if (owners.length === 0) return { error: `${label}: no other source has a type ${join.type}` };
  const ownerType = owners[0]![1].getType(join.type) as { getFields(): Record<string, unknown> };
  for (const [arg, field] of Object.entries(join.args)) {
    if (!query.args.some((a) => a.name === arg)) return { error: `${label}: ${join.source}.${join.query} has no argument ${arg}` };
    if (!(field in ownerType.getFields())) return { error: `${label}: source ${owners[0]![0]} has no field ${join.type}.${field}` };
  }
  const missing = query.args.filter((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined && !(a.name in join.args));
  if (missing.length)
    return { error: `${label}: required argument(s) ${missing.map((a) => a.name).join(', ')} of ${join.source}.${join.query} not given` };
  const args = Object.entries(join.args).map(([arg, field]) => `${arg}: "{root.${field}}"`);
  const description = join.description ? `"""${join.description.replace(/"""/g, '')}"""\n  ` : '';
  return {
    sdl: `extend type ${join.type} {
  ${description}${join.field}: ${getNullableType(query.type).toString()}
    @resolveTo(sourceName: "${join.source}", sourceTypeName: "Query", sourceFieldName: "${join.query}", requiredSelectionSet: "{ ${Object.values(join.args).join(' ')} }", sourceArgs: { ${args.join(', ')} })
}`,
  };
}

/**
 * Composes the sources and joins into a supergraph with GraphQL Mesh Compose (the same
 * result `mesh-compose` would write; Hive Gateway serves it, Apollo Router reads it too).
 * Every problem is one line naming the source, the join or the conflict.
 */
export async function composeSources(
  file: SourcesFile,
  options: { logger?: Logger; env?: NodeJS.ProcessEnv } = {},
): Promise<CompositionResult> {
  const logger = options.logger ?? new DefaultLogger('compose');
  const ctx = { fetch, cwd: process.cwd(), logger };
  const errors: string[] = [];
  const schemas = new Map<string, GraphQLSchema>();
  await Promise.all(
    file.sources.map(async (s) => {
      try {
        if (s.kind !== 'openapi' && s.sdlFile) readFileSync(s.sdlFile); // a clear error for a missing file
        const authorization = authorizationFor(s, options.env);
        const load = async () => sourceHandler(s, authorization ? { authorization } : {})(ctx as never).schema$;
        // Once more after a failure: a pooled connection the server closed at that moment fails the first try.
        schemas.set(s.name, await load().catch(load));
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause?.message;
        errors.push(`source ${s.name}: cannot load its schema: ${(error as Error).message.split('\n')[0]}${cause ? ` (${cause})` : ''}`);
      }
    }),
  );
  if (errors.length) return { supergraphSdl: null, errors };

  const additions: string[] = [];
  for (const join of file.joins) {
    const result = joinTypeDefs(join, schemas);
    if ('error' in result) errors.push(result.error);
    else additions.push(result.sdl);
  }
  if (errors.length) return { supergraphSdl: null, errors };

  const subgraphs = file.sources.map((s) => ({ name: s.name, schema: schemas.get(s.name)! }));
  // Checked here first: Mesh's own composer ends the process on a conflict.
  const precheck = composeAnnotatedSubgraphs(getAnnotatedSubgraphs(subgraphs));
  if (precheck.errors?.length) return { supergraphSdl: null, errors: precheck.errors.map((e) => `composition: ${e.message}`) };
  try {
    buildSchema(`${precheck.supergraphSdl}\n${additions.join('\n')}`, { assumeValidSDL: true });
  } catch (error) {
    return { supergraphSdl: null, errors: [`joins: ${(error as Error).message}`] };
  }
  const { supergraphSdl } = await getComposedResultFromConfig(
    {
      subgraphs: subgraphs.map(({ name, schema }) => ({ sourceHandler: () => ({ name, schema$: schema }) })),
      additionalTypeDefs: additions.length ? additions.join('\n') : undefined,
    },
    logger,
  );
  return { supergraphSdl, errors: [] };
}
