// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import angular from 'angular-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.angular/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**'] }] },
  },
  {
    // `@flotilla/bus` is what an agent loads: the Socket.IO adapter, which only a gateway needs,
    // is its own entry (`@flotilla/bus/socket-io`) so importing the bus loads no socket.io code.
    files: ['libs/bus/src/**/*.ts'],
    ignores: ['libs/bus/src/socket-io-adapter*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'] },
            {
              group: ['socket.io', 'socket.io-*', '@socket.io/*', '**/socket-io-adapter'],
              message: 'Socket.IO belongs in @flotilla/bus/socket-io.',
            },
          ],
        },
      ],
    },
  },
  {
    // The agent process loads no framework and no Socket.IO: it is bundled into one lean file
    // (scripts/build-agent.js, its footprint in docs/benchmarks.md). Logs go to an AgentLogSink.
    files: ['apps/docker-agent/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'reflect-metadata',
                'socket.io',
                'socket.io-*',
                '@socket.io/*',
                '@flotilla/bus/socket-io',
              ],
              message:
                'The agent loads no framework and no Socket.IO (see scripts/build-agent.js).',
            },
          ],
        },
      ],
    },
  },
  {
    // The agent is used through its public entry (`@flotilla/agent`), never its internals.
    files: ['apps/gateway/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/docker-agent/src/**'], message: 'Import @flotilla/agent.' }] },
      ],
    },
  },
  {
    // Every store lives behind libs/bus (its ports, a Redis and a memory implementation under
    // one contract suite): the apps reach Redis only through the bus, so no app opens a
    // connection of its own, type imports included. Tests under apps/*/test may: they stop,
    // restart and inspect a real redis-server around the bus, and plant what an attacker would.
    files: ['apps/**/*.ts'],
    ignores: ['apps/*/test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'ImportDeclaration',
          'ExportNamedDeclaration',
          'ExportAllDeclaration',
          'ImportExpression',
        ].map((node) => ({
          selector: `${node}[source.value=/^ioredis($|\\/)/]`,
          message: 'Reach Redis through @flotilla/bus, not ioredis.',
        })),
        {
          selector: 'TSImportType[argument.literal.value=/^ioredis($|\\/)/]',
          message: 'Reach Redis through @flotilla/bus, not ioredis.',
        },
        {
          selector: 'TSExternalModuleReference[expression.value=/^ioredis($|\\/)/]',
          message: 'Reach Redis through @flotilla/bus, not ioredis.',
        },
      ],
    },
  },
  {
    // The wire contract is plain TypeScript: it must run in the browser and in Node alike.
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', '@nestjs/*', '@angular/*', 'ioredis', 'dockerode', '../../apps/*'] },
      ],
    },
  },
  {
    // The contract's core (`@flotilla/contracts/core`, all of src/ but schemas/) is what the
    // browser loads: it may name the schemas' types, never import zod or a schema at run time.
    files: ['libs/contracts/src/**/*.ts', 'libs/contracts/testing/**/*.ts'],
    ignores: ['libs/contracts/src/schemas/**', 'libs/contracts/src/index.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: 'zod belongs in schemas/.' }],
          patterns: [
            {
              group: ['**/schemas', '**/schemas/**', '**/src/index', '**/src'],
              allowTypeImports: true,
              message: 'The core imports only types from schemas/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in the browser: no Node modules, no zod. It takes the contract from its
    // zod-free entry (`@flotilla/contracts/core`); the full entry builds zod schemas as it loads.
    files: ['apps/web/src/**/*.ts'],
    ignores: ['apps/web/src/**/*.spec.ts', 'apps/web/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@flotilla/contracts',
              message: 'Import @flotilla/contracts/core in apps/web (no zod in the browser).',
            },
          ],
          patterns: ['node:*', '@nestjs/*', 'ioredis', 'dockerode', 'zod', '**/libs/contracts/**'],
        },
      ],
    },
  },
  {
    // The dashboard's Angular rules; every component and directive selector carries `flo`.
    files: ['apps/web/src/**/*.ts'],
    extends: [...angular.configs.tsRecommended],
    processor: angular.processInlineTemplates,
    rules: {
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'flo', style: 'kebab-case' },
      ],
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'flo', style: 'camelCase' },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
  {
    // Test doubles of the dashboard are test code.
    files: ['apps/web/src/testing/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
