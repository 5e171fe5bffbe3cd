import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { modules } from '../../src/modules';

/**
 * The module layering: `src/modules/index.ts` lists the modules in dependency order, and a module may
 * import only modules listed before it (never one above it, so there is no cycle between modules);
 * the platform imports no module. File-level cycles are caught by `import-x/no-cycle` in `npm run lint`.
 */
const SRC = resolve(__dirname, '../../src');
const MODULES = join(SRC, 'modules');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The relative imports of a file (static, dynamic and re-exports), as absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s));
}

const moduleOf = (path: string): string | null => {
  const rel = relative(MODULES, path);
  return rel.startsWith('..') || rel === '' ? null : rel.split(sep)[0].replace(/\.ts$/, '');
};

describe('module layering', () => {
  const order = modules.map((m) => m.name);
  const folders = readdirSync(MODULES).filter((name) => statSync(join(MODULES, name)).isDirectory());

  it('lists every module folder in src/modules/index.ts', () => {
    expect([...folders].sort()).toEqual([...order].sort());
  });

  it('has no module import a module listed after it', () => {
    const violations: string[] = [];
    for (const folder of folders) {
      const rank = order.indexOf(folder);
      for (const file of sourceFiles(join(MODULES, folder))) {
        for (const target of importsOf(file)) {
          const other = moduleOf(target);
          if (other && other !== folder && order.indexOf(other) > rank)
            violations.push(`${relative(SRC, file)} imports ${other} (listed after ${folder})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the platform free of module imports', () => {
    const violations = sourceFiles(join(SRC, 'platform')).flatMap((file) =>
      importsOf(file)
        .filter((target) => moduleOf(target) !== null)
        .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`),
    );
    expect(violations).toEqual([]);
  });

  it('forges no principal outside platform/auth: commands take an Actor', () => {
    const forged = [...sourceFiles(join(SRC, 'modules')), ...sourceFiles(join(SRC, 'platform'))]
      .filter((file) => !file.includes(`${sep}platform${sep}auth${sep}`))
      .filter((file) => /:\s*Principal\s*=\s*\{/.test(readFileSync(file, 'utf8')));
    expect(forged.map((f) => relative(SRC, f))).toEqual([]);
  });
});
