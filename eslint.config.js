import tseslint from 'typescript-eslint';

/**
 * Lint for the whole repository (typescript-eslint's recommended rules, no type information: fast enough for every
 * `npm test`), and a bound on file length: a long file is a concept that wants its own name (STYLE.md).
 */
export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'src/generated/', 'src/components/generated/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }] },
  },
);
