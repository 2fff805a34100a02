import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { LAYERS } from './layers.ts';

/** One zone per layer of src/: its files may not import from a layer above it (see layers.ts). */
const layerZones = LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./src/${layer}`,
  from: LAYERS.slice(i + 1).map((above) => `./src/${above}`),
  message: `src/${layer} may import only from ${LAYERS.slice(0, i + 1).join(', ')} (layers.ts, docs/architecture.md).`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'dist/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Type-aware: a promise nobody awaits loses its rejection (an unhandled rejection ends the
    // process) and its ordering; a promise handed where a void callback is expected does both.
    // Each file is checked against the tsconfig.json nearest to it (web/ has its own).
    files: ['src/**/*.ts', 'test/**/*.ts', 'web/*/src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      // Sees import declarations, re-exports and import(); `import('…').T` in a type is already
      // refused by consistent-type-imports, so a type cannot cross a boundary unseen.
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
  {
    files: ['src/store/migrations/[0-9]*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.',
              message:
                'A migration describes the database at its point in history: write its names and values as literals instead of importing code that may change.',
            },
          ],
        },
      ],
    },
  },
);
