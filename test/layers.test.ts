import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../layers.ts';

/**
 * The folders of src/ import in one direction (layers.ts): `npm run lint`, and so CI, fails on
 * an import from a layer above. Each case lints a file that is not there, as if it were.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The probes are not on disk, so no tsconfig.json holds them: the type-aware rules, which need
// one, are off for them (the layer rule reads imports only).
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    files: ['**/probe.ts', '**/probe.test.ts', 'src/store/migrations/999-probe.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layers of src/', () => {
  it('are exactly the folders of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...LAYERS].sort());
  });

  it('may import from themselves and from the layers below', async () => {
    expect(
      await problems(
        'src/engine/probe.ts',
        [
          "import { BLOCKS } from '../blocks/index.ts';",
          "import type { Locale } from '../vocabulary/locales.ts';",
          "import type { Effect } from './types.ts';",
          'export const probe = BLOCKS;',
          'export type Probe = [Locale, Effect];',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('fail the lint on an import from a layer above, naming what the layer may import', async () => {
    expect(await problems('src/blocks/probe.ts', "import { advance } from '../engine/advance.ts';\nexport const probe = advance;")).toEqual([
      'import-x/no-restricted-paths: Unexpected path "../engine/advance.ts" imported in restricted zone. src/blocks may import only from vocabulary, answers, blocks (layers.ts, docs/architecture.md).',
    ]);
  });

  it('count type-only imports, re-exports and import() as imports', async () => {
    const cases = [
      "import type { Effect } from '../engine/types.ts';\nexport type Probe = Effect;",
      "import { type Effect } from '../engine/types.ts';\nexport type Probe = Effect;",
      "export type { Effect } from '../engine/types.ts';",
      "export const probe = () => import('../engine/advance.ts');",
    ];
    for (const code of cases) {
      expect(await problems('src/vocabulary/probe.ts', code), code).toEqual([
        expect.stringMatching(/^import-x\/no-restricted-paths: .*src\/vocabulary may import only from vocabulary /),
      ]);
    }
    // A type named through import('…') would slip past the boundary rule; it is refused outright.
    expect(await problems('src/vocabulary/probe.ts', "export type Probe = import('../engine/types.ts').Effect;")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/consistent-type-imports: /),
    ]);
  });

  it('hold for test files too', async () => {
    expect(await problems('src/store/probe.test.ts', "import { runEffect } from '../runtime/run-effect.ts';\nexport const probe = runEffect;")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*src\/store may import only from /),
    ]);
  });
});

describe('a migration', () => {
  it('imports no live code: its names and values are literals', async () => {
    expect(await problems('src/store/migrations/999-probe.ts', "import { ROLES } from '../../vocabulary/roles.ts';\nexport const probe = ROLES;")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*point in history/),
    ]);
    expect(await problems('src/store/migrations/999-probe.ts', "import type { Kysely } from 'kysely';\nexport type Probe = Kysely<never>;")).toEqual([]);
  });
});
