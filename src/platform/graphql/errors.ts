import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';

/** Abuse-limit rejections get their own codes, so a client knows which limit it hit. */
const LIMIT_CODES: Array<[RegExp, string]> = [
  [/Query depth limit/, 'QUERY_TOO_DEEP'],
  [/Query Cost limit/, 'QUERY_TOO_COMPLEX'],
  [/Aliases limit/, 'TOO_MANY_ALIASES'],
  [/Directives limit/, 'TOO_MANY_DIRECTIVES'],
  [/Token limit/, 'TOO_MANY_TOKENS'],
  // graphql-js's own token limit; graphql 16 words it "more that".
  [/Document contains more th(?:an|at) \d+ tokens/, 'TOO_MANY_TOKENS'],
  [/Document too large/, 'DOCUMENT_TOO_LARGE'],
];

const PASS_THROUGH = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  ...LIMIT_CODES.map(([, code]) => code),
]);

function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * Every error leaves with an `extensions.code`. Known codes pass through; an
 * unexpected failure is logged with its stack and the client sees only
 * INTERNAL_SERVER_ERROR, never internals.
 */
export function createErrorFormatter(log: Logger, options: { hideSuggestions?: boolean } = {}) {
  const format = formatterOf(log);
  if (!options.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    const message = withoutSuggestions(result.message);
    return message === result.message ? result : { ...result, message };
  };
}

/**
 * graphql-js's hints (`Did you mean "x"?`, `... the enum value "NEW"?`, `... to use an inline fragment on "T"?`)
 * name schema members an anonymous caller could not list with introspection off; production drops them all.
 */
const SUGGESTION = /\s*Did you mean\b[^?]*\?/g;
export const withoutSuggestions = (message: string): string => message.replace(SUGGESTION, '').replace(/\s*\[Suggestion hidden\]\??/g, '');

function formatterOf(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = LIMIT_CODES.find(([pattern]) => pattern.test(formatted.message));
    if (limit) return { ...formatted, extensions: { code: limit[1] } };
    const original = originalOf(error);
    if (original instanceof ArgumentValidationError) {
      return {
        message: 'Argument validation failed',
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: ErrorCode.BAD_USER_INPUT,
          validation: original.extensions.validationErrors.map((v) => ({
            field: v.property,
            constraints: v.constraints,
          })),
        },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && (PASS_THROUGH.has(code) || original instanceof AppError)) {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (original instanceof GraphQLError && !code) {
      return { ...formatted, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
