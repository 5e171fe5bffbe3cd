import { DEFAULT_ITSM_MAPPING, inboundDecision, mergeMapping, outboundFor, rmaFactComment, syncRetryDelayMs } from './itsm-sync';

const incident = {
  id: 'inc-1',
  summary: 'Array offline',
  description: null,
  severity: 'P2' as const,
  status: 'NEW' as const,
  deviceSerial: 'SN-1',
};
const ME = 'connector itsm-bank';

describe('ITSM sync rules', () => {
  it('maps hub changes to ticket operations, and sends nothing for changes the connector made (no echo)', () => {
    expect(
      outboundFor({ type: 'REPORTED', actor: 'key ops', message: 'x', toStatus: 'NEW', details: null }, incident, DEFAULT_ITSM_MAPPING, ME),
    ).toEqual([
      {
        kind: 'CREATE',
        ticket: {
          shortDescription: 'Array offline',
          description: null,
          priority: 2,
          state: 'NEW',
          configurationItem: 'SN-1',
          correlationId: 'inc-1',
        },
      },
    ]);
    const restored = { type: 'STATUS_CHANGED', actor: 'key ops', message: 'IN_PROGRESS → RESTORED', toStatus: 'RESTORED', details: null };
    expect(outboundFor(restored, incident, DEFAULT_ITSM_MAPPING, ME)).toEqual([
      { kind: 'PATCH', patch: { state: 'RESOLVED' } },
      { kind: 'COMMENT', body: 'Service hub: IN_PROGRESS → RESTORED' },
    ]);
    expect(outboundFor({ ...restored, actor: ME }, incident, DEFAULT_ITSM_MAPPING, ME)).toEqual([]);
    expect(
      outboundFor(
        { type: 'SEVERITY_CHANGED', actor: 'scheduler', message: 'P2 → P1', toStatus: null, details: { to: 'P1' } },
        incident,
        DEFAULT_ITSM_MAPPING,
        ME,
      )[0],
    ).toEqual({ kind: 'PATCH', patch: { priority: 1 } });
    expect(
      outboundFor(
        { type: 'CUSTOMER_COMMENT', actor: 'key bank', message: 'hi', toStatus: null, details: null },
        incident,
        DEFAULT_ITSM_MAPPING,
        ME,
      ),
    ).toEqual([]);
    expect(
      outboundFor(
        { type: 'CLOCK_WARNING', actor: 'scheduler', message: 'x', toStatus: null, details: null },
        incident,
        DEFAULT_ITSM_MAPPING,
        ME,
      ),
    ).toEqual([]);
  });

  it('decides what a ticket change does: echo, comment, closure consent, reopen, or nothing', () => {
    const ctx = { integrationUser: 'hub-integration', mapping: DEFAULT_ITSM_MAPPING, hubStatus: 'RESTORED' as const };
    const change = { seq: 1, ticketNumber: 'INC1', field: 'state', oldValue: 'RESOLVED', newValue: 'CLOSED', changedBy: 'alice' };
    expect(inboundDecision(change, ctx)).toEqual({ kind: 'CONFIRM_CLOSURE', state: 'CLOSED' });
    expect(inboundDecision({ ...change, changedBy: 'hub-integration' }, ctx)).toEqual({ kind: 'ECHO' });
    expect(inboundDecision({ ...change, newValue: 'IN_PROGRESS' }, ctx)).toEqual({ kind: 'REOPEN', state: 'IN_PROGRESS' });
    expect(inboundDecision({ ...change, newValue: 'IN_PROGRESS' }, { ...ctx, hubStatus: 'ON_SITE' }).kind).toBe('IGNORE');
    expect(inboundDecision({ ...change, newValue: 'ON_HOLD' }, ctx).kind).toBe('IGNORE');
    expect(inboundDecision({ ...change, field: 'comment', newValue: ' please hurry ' }, ctx)).toEqual({
      kind: 'COMMENT',
      text: 'please hurry',
    });
    expect(inboundDecision({ ...change, field: 'priority', newValue: '1' }, ctx).kind).toBe('IGNORE');
    expect(inboundDecision(change, { ...ctx, hubStatus: 'CLOSED' }).kind).toBe('IGNORE');
  });

  it('the mapping is data: given entries replace the defaults, bad ones are reported', () => {
    const { mapping, problems } = mergeMapping(DEFAULT_ITSM_MAPPING, {
      outbound: [{ hubStatus: 'AWAITING_PARTS', itsmState: 'AWAITING_VENDOR' }],
      inbound: [{ itsmState: 'CLOSED_CONFIRMED', action: 'CONFIRM_CLOSURE' }],
      priorities: [{ severity: 'P4', priority: 5 }],
    });
    expect(problems).toEqual([]);
    expect(mapping.outbound.AWAITING_PARTS).toBe('AWAITING_VENDOR');
    expect(mapping.outbound.RESTORED).toBe('RESOLVED');
    expect(mapping.inbound).toEqual({ CLOSED_CONFIRMED: 'CONFIRM_CLOSURE' });
    expect(mapping.priorities.P4).toBe(5);
    expect(DEFAULT_ITSM_MAPPING.outbound.AWAITING_PARTS).toBe('ON_HOLD');
    expect(
      mergeMapping(DEFAULT_ITSM_MAPPING, {
        outbound: [{ hubStatus: 'DONE', itsmState: 'X' }],
        priorities: [{ severity: 'P1', priority: 9 }],
      }).problems,
    ).toHaveLength(2);
  });

  it('RMA facts read as a sentence; retries back off and are capped', () => {
    expect(rmaFactComment('LoanerAssigned', { rmaNumber: 'R-1', loanerSerialNumber: 'SN-L' })).toBe(
      'Service hub: loaner assigned (RMA R-1): loanerSerialNumber SN-L',
    );
    expect(syncRetryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(syncRetryDelayMs(3, 1000, 60_000, 0)).toBe(2000);
    expect(syncRetryDelayMs(30, 1000, 60_000, 1)).toBe(60_000);
  });
});
