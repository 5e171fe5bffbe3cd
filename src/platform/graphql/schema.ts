import { lexicographicSortSchema, printSchema, GraphQLSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
import type { Hub, HubModule } from '../hub';
import { createTopicPubSub, LivePubSub } from '../pubsub';
import { authChecker } from './auth-checker';

/** Builds the executable schema from the modules' resolvers. */
export async function buildHubSchema(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: Function[],
  options: { hub?: Hub; pubSub?: LivePubSub } = {},
): Promise<GraphQLSchema> {
  if (resolvers.length === 0) throw new Error('no resolvers registered');
  return buildSchema({
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    resolvers: resolvers as NonEmptyArray<Function>,
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false },
    // Printing the schema needs a pubsub too; a local one is enough there.
    pubSub: (options.pubSub ?? createTopicPubSub()) as never,
    container: options.hub ? { get: (type) => options.hub!.get(type as never) } : undefined,
  });
}

/** The checked-in SDL: sorted so the file changes only when the API does. */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolversOf = (modules: HubModule[], platformResolvers: Function[]) => [
  ...platformResolvers,
  ...modules.flatMap((m) => m.resolvers),
];
