import { complaintStep, validateComplaintTargets } from './complaint-rules';

describe('complaint life', () => {
  it('a first reply stops the first-reply clock; later replies stop nothing', () => {
    expect(complaintStep('OPEN', 'REPLY')).toEqual({ ok: true, value: { to: 'REPLIED', stops: ['FIRST_REPLY'] } });
    expect(complaintStep('REPLIED', 'REPLY')).toEqual({ ok: true, value: { to: 'REPLIED', stops: [] } });
  });

  it('resolving without a reply answers both promises at once', () => {
    expect(complaintStep('OPEN', 'RESOLVE')).toEqual({ ok: true, value: { to: 'RESOLVED', stops: ['FIRST_REPLY', 'RESOLUTION'] } });
    expect(complaintStep('REPLIED', 'RESOLVE')).toEqual({ ok: true, value: { to: 'RESOLVED', stops: ['RESOLUTION'] } });
  });

  it('the customer rates a resolved (or operator-closed) case, which closes it', () => {
    expect(complaintStep('RESOLVED', 'RATE')).toEqual({ ok: true, value: { to: 'CLOSED', stops: [] } });
    expect(complaintStep('CLOSED', 'RATE')).toEqual({ ok: true, value: { to: 'CLOSED', stops: [] } });
    expect(complaintStep('RESOLVED', 'CLOSE')).toEqual({ ok: true, value: { to: 'CLOSED', stops: [] } });
  });

  it('refuses the rest with what would be allowed', () => {
    expect(complaintStep('OPEN', 'RATE')).toEqual({
      ok: false,
      error: { code: 'INVALID_TRANSITION', from: 'OPEN', action: 'RATE', allowedFrom: ['RESOLVED', 'CLOSED'] },
    });
    expect(complaintStep('CLOSED', 'REPLY').ok).toBe(false);
    expect(complaintStep('OPEN', 'CLOSE').ok).toBe(false);
  });

  it('validates targets: durations, and a resolution no shorter than the first reply', () => {
    expect(validateComplaintTargets({ firstReply: 'PT15M', resolution: 'P2D' })).toEqual([]);
    expect(validateComplaintTargets({ firstReply: 'P1M', resolution: 'P2D' }).map((p) => p.field)).toEqual(['firstReply']);
    expect(validateComplaintTargets({ firstReply: 'PT1H', resolution: 'PT30M' }).map((p) => p.field)).toEqual(['resolution']);
  });
});
