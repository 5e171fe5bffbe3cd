import { makeEnvelope } from '../../../platform/kafka/event-bus';
import { causeOfEvent, causeOfNotice } from './announced-causes';

describe('causes announced by other modules', () => {
  it("a loaner owed under the repair-time rule concerns the RMA's customer", () => {
    const cause = causeOfEvent(
      makeEnvelope({
        type: 'LoanerRequired',
        key: 'SH01-RMA-000042',
        source: 'service-hub',
        payload: {
          rmaNumber: 'SH01-RMA-000042',
          serialNumber: 'SN-1',
          model: 'R750',
          customerId: 'cust-a',
          siteId: 'site-1',
          dueAt: '2026-03-10T02:00:00Z',
        },
      }),
    );
    expect(cause).toMatchObject({
      cause: 'LOANER_REQUIRED',
      key: 'rma:SH01-RMA-000042:LoanerRequired',
      scope: { customerId: 'cust-a', assignedCentreId: null },
      siteId: 'site-1',
      facts: { ref: 'SH01-RMA-000042', summary: 'R750 SN-1', dueAt: new Date('2026-03-10T02:00:00Z') },
    });
  });

  it('only a late first reply of a complaint is told (the resolution clock escalates on its own)', () => {
    const breach = (clock: string) =>
      causeOfEvent(
        makeEnvelope({
          type: 'ComplaintClockBreached',
          key: 'c1',
          source: 'hub',
          payload: {
            complaintId: 'c1',
            customerId: 'cust-a',
            centreId: null,
            clock,
            dueAt: '2026-03-02T02:00:00Z',
            managementLevel: 'TEAM_LEAD',
          },
        }),
      );
    expect(breach('FIRST_REPLY')).toMatchObject({ cause: 'COMPLAINT_REPLY_BREACH', level: 'TEAM_LEAD', key: 'complaint:c1:FIRST_REPLY' });
    expect(breach('RESOLUTION')).toBeNull();
    expect(causeOfEvent(makeEnvelope({ type: 'RmaApproved', key: 'x', source: 'hub', payload: {} }))).toBeNull();
  });

  it('only end-of-life notices are told', () => {
    const notice = { id: 'n1', customerId: 'cust-a', title: 'EOL', body: 'b', publishedAt: new Date() };
    expect(causeOfNotice({ ...notice, kind: 'END_OF_LIFE' })).toMatchObject({ cause: 'EOL_NOTICE', key: 'notice:n1' });
    expect(causeOfNotice({ ...notice, kind: 'MAINTENANCE_WINDOW' })).toBeNull();
  });
});
