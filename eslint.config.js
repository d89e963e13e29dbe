// Lint rules, including the dependency direction of design.md / style.md:
// front ends -> pipeline -> engine (ocicrypt) / model + io (oci) / registry; nothing imports a front end.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const FRONT_ENDS = { group: ['**/cli/**', '**/action/**'], message: 'nothing imports a front end' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/errors.ts'],
    rules: restrict([{ group: ['./*', '../*'], message: 'errors.ts imports nothing' }]),
  },
  {
    files: ['src/oci/**'],
    rules: restrict([
      FRONT_ENDS,
      {
        group: ['**/pipeline/**', '**/ocicrypt/**', '**/registry/**'],
        message: 'oci/ is the model: it imports only errors',
      },
    ]),
  },
  {
    files: ['src/ocicrypt/**'],
    rules: restrict([
      FRONT_ENDS,
      {
        group: ['**/pipeline/**', '**/registry/**', '**/layout/**', 'node:fs*'],
        message: 'the engine knows no files or registries',
      },
    ]),
  },
  {
    files: ['src/registry/**'],
    rules: restrict([
      FRONT_ENDS,
      {
        group: ['**/pipeline/**', '**/ocicrypt/**', '**/layout/**'],
        message: 'registry/ imports only the oci model and errors',
      },
    ]),
  },
  { files: ['src/pipeline/**'], rules: restrict([FRONT_ENDS]) },
  {
    files: ['src/cli/**'],
    rules: restrict([
      { group: ['**/action/**', '@actions/*'], message: 'front ends never import each other' },
      {
        group: ['**/ocicrypt/**', '**/oci/**', '**/registry/**'],
        message: 'front ends use the pipeline only',
      },
    ]),
  },
  {
    files: ['src/action/**'],
    rules: restrict([
      { group: ['**/cli/**'], message: 'front ends never import each other' },
      {
        group: ['**/ocicrypt/**', '**/oci/**', '**/registry/**'],
        message: 'front ends use the pipeline only',
      },
    ]),
  },
);
