// Lint rules, including the dependency direction of design.md / style.md:
// front ends -> pipeline -> engine (ocicrypt) / model + io (oci) / registry; nothing imports a front end.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const FRONT_ENDS = { group: ['**/cli/**', '**/action/**'], message: 'nothing imports a front end' };
// The library entry (src/index.ts): the front ends may use it, nothing below them.
const LIBRARY = {
  group: ['../index.js', '../../index.js'],
  message: 'only the front ends import the library entry',
};
// The transport stack is registry/'s own: others use client, session, errors and retry.
// The file system is touched only by the layout reader/writer, the Node host (src/host), the credential lookup
// and the front ends: the model, the engine, the registry client and the use cases never import node:fs.
const FS = {
  group: ['node:fs', 'node:fs/*', 'fs', 'fs/*'],
  message: "no file system here: use oci/layout (layouts) or host/ (the user's files, temp folders)",
};
const TRANSPORT = {
  group: ['**/registry/transport', '**/registry/transport/**'],
  message: 'registry/transport is private to registry/: import what you need from a registry/ module',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Everything outside registry/ that no block below restricts further (index.ts, escape.ts, ...).
  { files: ['src/**'], ignores: ['src/registry/**'], rules: restrict([TRANSPORT]) },
  {
    // Code you can live in: a function fits on a screen, a module does one thing.
    files: ['src/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 300 }],
    },
  },
  {
    files: ['src/index.ts'],
    rules: restrict([
      FRONT_ENDS,
      {
        group: ['./oci/**', './ocicrypt/**', './registry/**', './*.js', '!./errors.js'],
        message: 'the library entry imports the pipeline and errors only',
      },
      FS,
    ]),
  },
  {
    files: ['src/errors.ts'],
    rules: restrict([{ group: ['./*', '../*'], message: 'errors.ts imports nothing' }]),
  },
  ...[true, false].map((layout) => ({
    files: layout ? ['src/oci/layout/**'] : ['src/oci/**'],
    ...(layout ? {} : { ignores: ['src/oci/layout/**'] }),
    rules: restrict([
      FRONT_ENDS,
      LIBRARY,
      {
        group: ['**/pipeline/**', '**/ocicrypt/**', '**/registry/**', '**/host/**'],
        message: 'oci/ is the model: it imports only errors',
      },
      ...(layout ? [] : [FS]),
    ]),
  })),
  {
    files: ['src/ocicrypt/**'],
    rules: restrict([
      FRONT_ENDS,
      LIBRARY,
      {
        group: ['**/pipeline/**', '**/registry/**', '**/layout/**', 'node:fs*'],
        message: 'the engine knows no files or registries',
      },
    ]),
  },
  ...[true, false].map((credentials) => ({
    files: credentials ? ['src/registry/credentials.ts'] : ['src/registry/**'],
    ...(credentials ? {} : { ignores: ['src/registry/credentials.ts'] }),
    rules: restrict([
      FRONT_ENDS,
      LIBRARY,
      {
        group: ['**/pipeline/**', '**/ocicrypt/**', '**/layout/**', '**/host/**'],
        message: 'registry/ imports only the oci model and errors',
      },
      ...(credentials ? [] : [FS]),
    ]),
  })),
  { files: ['src/pipeline/**'], rules: restrict([FRONT_ENDS, LIBRARY, TRANSPORT, FS]) },
  { files: ['src/host/**'], rules: restrict([FRONT_ENDS, LIBRARY, TRANSPORT]) },
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
