import { imRobotBody, imRobotRefusal } from '../channels/im-robot';
import { retryDelayMs } from './backoff';
import { renderNotification } from './render';
import { durationInWords, timeInZone } from './wording';

const facts = {
  ref: 'zabbix-48211',
  severity: 'P2',
  summary: 'RAID controller degraded',
  site: 'Pudong DC',
  timeZone: 'Asia/Shanghai',
  at: new Date('2026-03-02T02:00:00Z'),
  clock: 'RESTORE' as const,
  dueAt: new Date('2026-03-02T06:30:00Z'),
  remainingMs: 2 * 3600_000 + 30 * 60_000,
};

describe('messages', () => {
  it("says durations in words and times in the site's zone, in both languages", () => {
    expect(durationInWords(2 * 3600_000 + 30 * 60_000 + 12_000, 'en')).toBe('2 hours and 30 minutes');
    expect(durationInWords(26 * 3600_000, 'zh-CN')).toBe('1天和2小时');
    expect(durationInWords(400, 'en')).toBe('1 second');
    expect(timeInZone(new Date('2026-03-02T06:30:00Z'), 'Asia/Shanghai', 'en')).toBe('Mar 2, 2026, 2:30 PM GMT+8');
    expect(timeInZone(new Date('2026-03-02T06:30:00Z'), 'Asia/Shanghai', 'zh-CN')).toContain('14:30');
  });

  it('renders a warning in English and a breach in Chinese', () => {
    const en = renderNotification('BREACH_WARNING', facts, 'en');
    expect(en.subject).toBe('[P2] zabbix-48211: restoration deadline in 2 hours and 30 minutes');
    expect(en.body).toContain('The restoration deadline is Mar 2, 2026, 2:30 PM GMT+8; 2 hours and 30 minutes left.');
    const zh = renderNotification('BREACH', facts, 'zh-CN');
    expect(zh.subject).toBe('【P2】zabbix-48211：恢复超时');
    expect(zh.body).toContain('地点 Pudong DC：RAID controller degraded');
    expect(zh.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('says why an escalation happened, and falls back to English for an unknown language', () => {
    const step = {
      ...facts,
      fromLevel: 'TEAM_LEAD' as const,
      toLevel: 'SERVICE_MANAGER' as const,
      trigger: 'UNRESOLVED_PERIOD' as const,
      periodMs: 86_400_000,
    };
    expect(renderNotification('ESCALATION', step, 'zh-CN').body).toContain('因故障已1天未解决，本故障已由组长升级至服务经理');
    expect(renderNotification('ESCALATION', step, 'fr').subject).toBe('[P2] zabbix-48211: escalated to service manager');
  });
});

describe('IM robot bodies', () => {
  const message = { subject: 'S', body: 'B' };
  it("follows each robot's JSON shape", () => {
    expect(imRobotBody('WECOM', message)).toEqual({ msgtype: 'text', text: { content: 'S\nB' } });
    expect(imRobotBody('DINGTALK', message)).toEqual({ msgtype: 'text', text: { content: 'S\nB' } });
    expect(imRobotBody('FEISHU', message)).toEqual({ msg_type: 'text', content: { text: 'S\nB' } });
    expect(imRobotBody('GENERIC', message)).toEqual({ title: 'S', text: 'B' });
  });
  it('reads a refusal inside a 200 answer', () => {
    expect(imRobotRefusal({ errcode: 0, errmsg: 'ok' })).toBeNull();
    expect(imRobotRefusal({ errcode: 93000, errmsg: 'invalid webhook url' })).toBe('robot refused: 93000 invalid webhook url');
    expect(imRobotRefusal({ code: 19001, msg: 'param invalid' })).toBe('robot refused: 19001 param invalid');
    expect(imRobotRefusal('ok')).toBeNull();
  });
  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000)).toBe(15 * 60_000);
  });
});
