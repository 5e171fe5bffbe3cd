import i18next from 'i18next';
import en from '../../web/src/locales/en.json';
import zhCN from '../../web/src/locales/zh-CN.json';
import { dateTime, duration, isoDurationMs, target } from '../../web/src/shared/format';

/** The pages' wording of targets, countdowns and times, with the real translation files. */
describe('web formatting', () => {
  const i18n = i18next.createInstance();
  beforeAll(() => i18n.init({ lng: 'en', fallbackLng: 'en', resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } } }));
  const t = (lng: string) => i18n.getFixedT(lng);

  it('reads the ISO-8601 durations the hub writes as targets', () => {
    expect(isoDurationMs('PT30M')).toBe(30 * 60_000);
    expect(isoDurationMs('PT4H')).toBe(4 * 3_600_000);
    expect(isoDurationMs('P1DT2H')).toBe(26 * 3_600_000);
    expect(isoDurationMs('PT1.5S')).toBe(1500);
    expect(isoDurationMs('4 hours')).toBeNull();
  });

  it('writes targets in words, leaving out zero units, in English and Chinese', () => {
    expect(target(t('en'), 'PT30M')).toBe('30 min');
    expect(target(t('en'), 'PT4H')).toBe('4 h');
    expect(target(t('en'), 'P1DT2H')).toBe('1 d 2 h');
    expect(target(t('zh-CN'), 'PT4H')).toBe('4 小时');
    expect(target(t('zh-CN'), 'P2D')).toBe('2 天');
    // Something the page does not understand is shown as it is rather than as a wrong number.
    expect(target(t('en'), 'R5/PT1H')).toBe('R5/PT1H');
  });

  it('counts down with the two largest units, seconds only when asked', () => {
    expect(duration(t('en'), 59 * 60_000 + 5_400, 2, true)).toBe('59 min 5 s');
    expect(duration(t('en'), 3_600_000 + 30_000, 2, true)).toBe('1 h'); // 1 h 0 min: the seconds are below the detail shown
    expect(duration(t('en'), 2 * 86_400_000 + 3 * 3_600_000 + 7 * 60_000)).toBe('2 d 3 h');
    expect(duration(t('en'), -5000, 2, true)).toBe('0 s');
    expect(duration(t('zh-CN'), 90 * 60_000)).toBe('1 小时 30 分钟');
  });

  it("shows a time in the site's zone with the zone named", () => {
    expect(dateTime('2026-12-06T06:05:00Z', 'Asia/Shanghai', 'en')).toBe('2026-12-06 14:05 GMT+8');
    expect(dateTime('2026-12-06T06:05:00Z', 'Europe/Berlin', 'en')).toBe('2026-12-06 07:05 GMT+1');
    expect(dateTime('2026-12-06T06:05:00Z', 'Asia/Shanghai', 'zh-CN')).toMatch(/^2026-12-06 14:05 (GMT\+8|UTC\+8)$/);
    expect(dateTime(null, 'Asia/Shanghai', 'en')).toBe('–');
  });
});
