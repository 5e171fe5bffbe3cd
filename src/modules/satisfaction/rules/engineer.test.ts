import { creditedEngineer } from './engineer';

describe('engineer credited with a closed incident', () => {
  it('is whoever restored service last (a reopened incident credits the second restore)', () => {
    expect(
      creditedEngineer([
        { seq: 1, toStatus: 'ACKNOWLEDGED', actor: 'desk' },
        { seq: 2, toStatus: 'ON_SITE', actor: 'wang' },
        { seq: 3, toStatus: 'RESTORED', actor: 'wang' },
        { seq: 4, toStatus: 'IN_PROGRESS', actor: 'desk' },
        { seq: 5, toStatus: 'RESTORED', actor: 'li' },
        { seq: 6, toStatus: 'CLOSED', actor: 'customer' },
      ]),
    ).toBe('li');
  });

  it('falls back to the last on-site engineer, then to whoever acknowledged; none for an untouched incident', () => {
    expect(
      creditedEngineer([
        { seq: 1, toStatus: 'ACKNOWLEDGED', actor: 'desk' },
        { seq: 2, toStatus: 'ON_SITE', actor: 'zhao' },
      ]),
    ).toBe('zhao');
    expect(creditedEngineer([{ seq: 1, toStatus: 'ACKNOWLEDGED', actor: 'desk' }])).toBe('desk');
    expect(creditedEngineer([{ seq: 1, toStatus: 'CANCELLED', actor: 'desk' }])).toBeNull();
  });
});
