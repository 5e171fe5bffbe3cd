import { causeTarget, recipientsFor, ReachableContact } from './recipients';

const incident = { customerId: 'cust-a', assignedCentreId: 'centre-1' };
const at = new Date('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
const contact = (id: string, over: Partial<ReachableContact> = {}): ReachableContact => ({
  id,
  customerId: null,
  centreId: null,
  level: 'TEAM_LEAD',
  active: true,
  onDutyHours: null,
  ...over,
});
const ids = (cs: ReachableContact[]) => cs.map((c) => c.id).sort();

describe('recipientsFor', () => {
  const contacts = [
    contact('desk-lead'),
    contact('desk-engineer', { level: 'ENGINEER' }),
    contact('a-lead', { customerId: 'cust-a' }),
    contact('b-lead', { customerId: 'cust-b' }),
    contact('centre1-lead', { centreId: 'centre-1' }),
    contact('centre2-lead', { centreId: 'centre-2' }),
    contact('retired-lead', { active: false }),
  ];

  it("tells the level reached: the desk, the working centre and the incident's customer, never another customer or centre", () => {
    expect(ids(recipientsFor(causeTarget('ESCALATION', 'TEAM_LEAD'), incident, contacts, {}, at, 'Asia/Shanghai'))).toEqual([
      'a-lead',
      'centre1-lead',
      'desk-lead',
    ]);
  });

  it('keeps warnings internal', () => {
    expect(ids(recipientsFor(causeTarget('BREACH_WARNING', 'TEAM_LEAD'), incident, contacts, {}, at, 'Asia/Shanghai'))).toEqual([
      'centre1-lead',
      'desk-lead',
    ]);
  });

  it("tells only the contacts the policy names for a level, and even then never another customer's", () => {
    const named = { TEAM_LEAD: ['b-lead', 'desk-engineer'] };
    expect(ids(recipientsFor(causeTarget('ESCALATION', 'TEAM_LEAD'), incident, contacts, named, at, 'Asia/Shanghai'))).toEqual([
      'desk-engineer',
    ]);
  });

  it('skips contacts off duty, unless nobody of the level is on duty', () => {
    const shift = [contact('day', { onDutyHours: '08:30-17:30' }), contact('night', { onDutyHours: '22:00-08:30' })];
    expect(ids(recipientsFor(causeTarget('BREACH', 'TEAM_LEAD'), incident, shift, {}, at, 'Asia/Shanghai'))).toEqual(['day']);
    const nightOnly = [contact('night', { onDutyHours: '22:00-08:30' })];
    expect(ids(recipientsFor(causeTarget('BREACH', 'TEAM_LEAD'), incident, nightOnly, {}, at, 'Asia/Shanghai'))).toEqual(['night']);
  });

  it('keeps the customer informed of emergency progress up to the level reached', () => {
    const customerPeople = [
      contact('a-engineer', { customerId: 'cust-a', level: 'ENGINEER' }),
      contact('a-lead', { customerId: 'cust-a' }),
      contact('a-director', { customerId: 'cust-a', level: 'DIRECTOR' }),
      contact('desk-lead'),
    ];
    expect(ids(recipientsFor(causeTarget('EMERGENCY_UPDATE', 'TEAM_LEAD'), incident, customerPeople, {}, at, 'Asia/Shanghai'))).toEqual([
      'a-engineer',
      'a-lead',
    ]);
  });
});
