import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import en from '../../web/src/locales/en.json';
import zhCN from '../../web/src/locales/zh-CN.json';

/** Every text the pages show comes from the translation files: both languages hold the same keys, and every literal key used exists. */
const WEB = resolve(__dirname, '../../web/src');

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('web translations', () => {
  it('English and Chinese have the same keys, none empty', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    const values = (tree: Record<string, unknown>): unknown[] =>
      Object.values(tree).flatMap((v) => (v && typeof v === 'object' ? values(v as Record<string, unknown>) : [v]));
    expect([...values(en), ...values(zhCN)].filter((v) => typeof v !== 'string' || v.trim() === '')).toEqual([]);
  });

  it('every key the pages ask for by name exists', () => {
    const known = new Set(keys(en));
    const used = sources(WEB).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z.]+)'/g)].map((m) => m[1]!),
    );
    const titleKeys = sources(WEB).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/titleKey="([a-zA-Z.]+)"/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(100);
    expect([...used, ...titleKeys].filter((k) => !known.has(k))).toEqual([]);
  });
});
