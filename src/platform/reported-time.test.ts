import { AppError } from './errors';
import { assertNotInFuture, isBeyondSkew, REPORTED_TIME_SKEW_MS } from './reported-time';

const now = new Date('2026-03-02T10:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('reported times and clock skew', () => {
  it('tolerates a clock a few minutes ahead, not more', () => {
    expect(isBeyondSkew(later(REPORTED_TIME_SKEW_MS), now)).toBe(false);
    expect(isBeyondSkew(later(REPORTED_TIME_SKEW_MS + 1), now)).toBe(true);
    expect(isBeyondSkew(later(-86_400_000), now)).toBe(false);
  });

  it('refuses a time weeks ahead as BAD_USER_INPUT naming the field', () => {
    let error: unknown;
    try {
      assertNotInFuture(later(21 * 86_400_000), 'outOfServiceAt', now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    expect((error as AppError).extensions).toMatchObject({ field: 'outOfServiceAt' });
    expect(() => assertNotInFuture(undefined, 'outOfServiceAt', now)).not.toThrow();
  });
});
