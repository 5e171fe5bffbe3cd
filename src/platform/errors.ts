import { GraphQLError } from 'graphql';

/**
 * Every failure a client can act on carries a stable code in `extensions.code`.
 * Modules throw these (or subclasses); the GraphQL layer passes them through
 * unchanged and hides anything else behind INTERNAL_SERVER_ERROR.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  PARTS_POLICY_VIOLATION: 'PARTS_POLICY_VIOLATION',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AppError extends GraphQLError {
  constructor(code: ErrorCode | string, message: string, details: Record<string, unknown> = {}) {
    // A typed error is an answer, not a fault: the formatter never shows or logs its stack, so none is captured.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message, { extensions: { code, ...details } });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
  get code(): string {
    return this.extensions.code as string;
  }
}

export const unauthenticated = (message = 'A valid API key is required (Authorization: Bearer <key>)') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'This API key may not do that') => new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (entity: string, id: string) => new AppError(ErrorCode.NOT_FOUND, `${entity} ${id} not found`, { entity, id });
export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, details);
export const conflict = (message: string, details: Record<string, unknown> = {}) => new AppError(ErrorCode.CONFLICT, message, details);
