// ESLint (flat config): typescript-eslint's strict type-checked rules on every TypeScript
// file (sources, tests, examples), typed through tsconfig.test.json; ESLint's recommended rules
// on the JavaScript (bench, scripts, launcher, simulation fixtures). `npm test` runs it.
// It also checks the layering that docs/architecture.md describes: no import from a higher
// layer, no import cycle, `process` exit codes and stdio only in the CLI, and no disable
// comment without its reason after ` -- `.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The layers of src/, bottom up (docs/architecture.md): each may import only from those before it. */
const LAYERS = ['io', 'events', 'engine', 'rules', 'report', 'graph', 'infer', 'baseline', 'check', 'sim', 'testing', 'cli'];

const layerZones = [
  ...LAYERS.slice(0, -1).map((layer, index) => ({
    target: `./src/${layer}`,
    from: [...LAYERS.slice(index + 1).map((above) => `./src/${above}`), './src/index.ts'],
    message: `the ${layer} layer may import only from the layers below it (docs/architecture.md)`,
  })),
  { target: './src/index.ts', from: './src/cli', message: 'the public API does not re-export the CLI (docs/architecture.md)' },
];

/** Reports an `eslint-disable` comment that does not give its reason after ` -- `. */
const requireDisableReason = {
  meta: { type: 'suggestion', messages: { missingReason: 'say why after " -- " on the same line' }, schema: [] },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value.trim();
          if (/^eslint-disable/.test(text) && !/\s--\s*\S/.test(text)) context.report({ loc: comment.loc, messageId: 'missingReason' });
        }
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    plugins: { local: { rules: { 'require-disable-reason': requireDisableReason } } },
    rules: { 'local/require-disable-reason': 'error' },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // noUncheckedIndexedAccess types every indexed read as possibly undefined; the code asserts
      // with `!` where the index is known to be in range (a runtime check there would cost on the
      // engine's hot path and could never fire).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Counts, line numbers and sizes are printed in messages everywhere.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false }],
      // `(x) => doSomething(x)` as a callback that returns nothing reads as intended.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // A leading underscore marks a parameter or binding kept for its position or to drop a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Rethrowing a caught value (type unknown) keeps it as it was thrown.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Follow the `.js` specifiers to the `.ts` sources and parse them, so that no-cycle sees the whole graph.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
      'no-restricted-properties': ['error',
        ...['exit', 'exitCode', 'stdout', 'stderr'].map((property) => ({
          object: 'process',
          property,
          message: 'only the CLI (src/cli/) ends the process, sets exit codes and writes to stdio (docs/architecture.md)',
        })),
      ],
    },
  },
  {
    // The CLI owns the exit code and stdio. The default runtime (locks used with no runtime set
    // up) prints its findings when the process exits and fails it, like an uncaught error would.
    files: ['src/cli/**/*.ts', 'src/sim/default-runtime.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read the CLI's JSON output with JSON.parse and assert on its fields: the assertions
      // check the shape, and a cast to the expected type would only hide a wrong one.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Test messages print generated values of union types; any stringification will do there.
      '@typescript-eslint/no-base-to-string': 'off',
      // Test doubles implement async interfaces without always awaiting.
      '@typescript-eslint/require-await': 'off',
      // Tests assert a rejection's type (`rejects.toThrow(InputError)`) before reading its fields.
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      // Tests remove environment variables and fuzzed fields by computed name.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Test names and assertion messages print optional fields and flags as they are.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowAny: false, allowBoolean: true, allowNullish: true, allowRegExp: false, allowNever: false }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
