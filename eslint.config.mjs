import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='innerHTML']", message: 'Use textContent: file content is untrusted.' }],
    },
  },
  { files: ['src/core/**'], rules: { 'no-restricted-imports': ['error', { paths: ['vscode'], patterns: ['../host/*', '../../host/*'] }] } },
  { files: ['**/*.mjs', 'scripts/**', 'test/**', 'bench/**'], rules: { '@typescript-eslint/no-require-imports': 'off', 'no-undef': 'off' } },
);
