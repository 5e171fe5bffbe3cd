import { checkTargetAddress, checkTargetNow, checkTargetUrl } from './target-guard';

describe('outbound target guard', () => {
  it('refuses private, loopback and link-local targets unless allowed', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.10',
      '172.16.5.5',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      expect(checkTargetAddress(a, []).ok).toBe(false);
    expect(checkTargetAddress('93.184.216.34', []).ok).toBe(true);
    expect(checkTargetAddress('127.0.0.1', ['loopback']).ok).toBe(true);
    expect(checkTargetAddress('10.0.0.1', ['loopback']).ok).toBe(false);
    expect(checkTargetUrl('ftp://example.com').ok).toBe(false);
    expect(checkTargetUrl('https://user:pw@example.com/').ok).toBe(false);
  });

  it('checks a URL with an IP literal without DNS', async () => {
    expect(await checkTargetNow('http://127.0.0.1:9/x', [])).toMatch(/loopback/);
    expect(await checkTargetNow('http://127.0.0.1:9/x', ['loopback'])).toBeNull();
    expect(await checkTargetNow('http://[::1]:9/x', [])).toMatch(/loopback/);
    expect(await checkTargetNow('gopher://example.com', [])).toMatch(/only http/);
  });

  it('refuses a name that does not resolve, unless told to leave it to the send-time check', async () => {
    expect(await checkTargetNow('http://no-such-host.invalid/x', [])).toEqual(expect.any(String));
    expect(await checkTargetNow('http://no-such-host.invalid/x', [], { allowUnresolved: true })).toBeNull();
    expect(await checkTargetNow('http://localhost:9/x', [], { allowUnresolved: true })).toMatch(/refused target/);
  });
});
