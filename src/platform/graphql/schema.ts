import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { lexicographicSortSchema, printSchema, GraphQLSchema } from 'graphql';
import { ArgumentValidationError, buildSchema, getMetadataStorage, NonEmptyArray } from 'type-graphql';
import type { Hub, HubModule } from '../hub';
import { createTopicPubSub, LivePubSub } from '../pubsub';
import { authChecker } from './auth-checker';

const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };
const validatable = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * type-graphql's built-in input validation with class-validator imported once (the built-in one
 * `require`s it for every argument). Same options, same ArgumentValidationError.
 */
async function validateInput(argValue: unknown): Promise<void> {
  if (!validatable(argValue)) return;
  try {
    if (Array.isArray(argValue)) await Promise.all(argValue.filter(validatable).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    else await validateOrReject(argValue, VALIDATOR_OPTIONS);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

/**
 * A plain property field (no field resolver, no roles, no middleware, named as its property) is
 * read by graphql-js's default resolver: type-graphql otherwise wraps each one in a resolver that
 * builds a context object and runs an empty middleware chain, once per field per row (its
 * `simpleResolvers` option, made the default). A field with roles or middleware keeps its wrapper.
 */
function simplePropertyFields(): void {
  for (const field of getMetadataStorage().fields) {
    if (field.simple !== undefined) continue;
    field.simple = !field.roles?.length && !field.middlewares?.length && field.name === field.schemaName;
  }
}

/** Builds the executable schema from the modules' resolvers. */
export async function buildHubSchema(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: Function[],
  options: { hub?: Hub; pubSub?: LivePubSub } = {},
): Promise<GraphQLSchema> {
  if (resolvers.length === 0) throw new Error('no resolvers registered');
  simplePropertyFields();
  return buildSchema({
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    resolvers: resolvers as NonEmptyArray<Function>,
    authChecker,
    authMode: 'error',
    validateFn: validateInput,
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
