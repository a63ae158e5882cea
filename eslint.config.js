/**
 * Lint for the whole repository: recommended rules for JS and TS (no type-aware rules: they are
 * slow), the banned ambient time / randomness APIs (STYLE rule 8), no `process.exit` in libraries
 * (STYLE rule 5), and the package boundaries lint can see from an import specifier alone.
 * `scripts/check-boundaries.ts` checks the full import graph of DESIGN §3 independently.
 *
 * ESLint keeps only the last matching options for a rule, so every rule that two concerns share
 * (`no-restricted-properties`, `no-restricted-syntax`) is set once per combination of scopes.
 */
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SOURCE_FILES = ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'];
const TEST_FILES = ['**/*.test.ts', '**/test/**'];

/** Where real time and randomness are allowed: the two ports, tests, benchmarks, tooling. */
const REAL_TIME_ALLOWED = [
  'core/src/clock.ts',
  'core/src/random.ts',
  ...TEST_FILES,
  'bench/**',
  'scripts/**',
];

/** Where the process may be ended: composition roots, tooling, child-process fixtures. */
const EXIT_ALLOWED = ['cli/**', 'scripts/**', '**/fixtures/**', '**/*.fixture.ts'];

/**
 * `@eslint/js` is not installed; its recommended set is exactly the core rules whose metadata
 * says so, so fall back to reading that metadata.
 */
async function coreRecommended() {
  try {
    const js = await import('@eslint/js');
    return js.default.configs.recommended;
  } catch {
    const { builtinRules } = await import('eslint/use-at-your-own-risk');
    const rules = {};
    for (const [name, rule] of builtinRules) {
      if (rule.meta?.docs?.recommended) rules[name] = 'error';
    }
    return { name: 'wisp/core-recommended', rules };
  }
}

const fromCore = (what) => `use ${what} from @wisp/core (an injected dependency)`;

const timeProperties = [
  ['Date', 'now', fromCore('Clock.now()')],
  ['performance', 'now', fromCore('Clock.monotonic()')],
  ['process', 'hrtime', fromCore('Clock.monotonic()')],
  ['AbortSignal', 'timeout', fromCore('Clock.timeoutSignal()')],
  ['globalThis', 'setTimeout', fromCore('Clock.setTimeout() or Clock.sleep()')],
  ['globalThis', 'setInterval', fromCore('Clock.setInterval()')],
  ['Math', 'random', fromCore('Random.float() or Random.int()')],
  ['crypto', 'randomBytes', fromCore('Random.bytes()')],
  ['crypto', 'randomUUID', fromCore('Random.uuid()')],
  ['crypto', 'randomInt', fromCore('Random.int()')],
  ['crypto', 'getRandomValues', fromCore('Random.bytes()')],
].map(([object, property, message]) => ({ object, property, message }));

const timeGlobals = [
  { name: 'setTimeout', message: fromCore('Clock.setTimeout() or Clock.sleep()') },
  { name: 'setInterval', message: fromCore('Clock.setInterval()') },
];

const timeSyntax = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: `new Date() reads the wall clock: ${fromCore('new Date(Clock.now()) with a Clock')}`,
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: `Date() reads the wall clock: ${fromCore('new Date(Clock.now()) with a Clock')}`,
  },
  {
    selector:
      'ImportDeclaration[source.value=/^(node:)?crypto$/] > ImportSpecifier' +
      '[imported.name=/^(randomBytes|randomUUID|randomInt|getRandomValues)$/]',
    message: fromCore('Random (bytes(), uuid(), int())'),
  },
  {
    selector:
      'ImportDeclaration[source.value=/^(node:)?timers(\\/promises)?$/] > ImportSpecifier' +
      '[imported.name=/^(setTimeout|setInterval|scheduler)$/]',
    message: fromCore('Clock.setTimeout(), Clock.setInterval() or Clock.sleep()'),
  },
];

const exitProperties = [
  {
    object: 'process',
    property: 'exit',
    message:
      'libraries never end the process: throw a named error, or set process.exitCode ' +
      'in a composition root under cli/',
  },
];

/** One block per combination of the two scopes, so neither overrides the other's options. */
function bannedApiBlocks() {
  const both = [...REAL_TIME_ALLOWED, ...EXIT_ALLOWED];
  const block = (name, files, ignores, time, exit) => ({
    name: `wisp/banned-apis/${name}`,
    files,
    ignores,
    rules: {
      'no-restricted-globals': time ? ['error', ...timeGlobals] : 'off',
      'no-restricted-syntax': time ? ['error', ...timeSyntax] : 'off',
      'no-restricted-properties': [
        'error',
        ...(time ? timeProperties : []),
        ...(exit ? exitProperties : []),
      ],
    },
  });
  return [
    block('time-and-exit', SOURCE_FILES, both, true, true),
    block('time-only', EXIT_ALLOWED, REAL_TIME_ALLOWED, true, false),
    block('exit-only', REAL_TIME_ALLOWED, EXIT_ALLOWED, false, true),
  ];
}

/** `@wisp/<name>` and relative paths that climb into the top-level folder `<name>/`. */
function packagePatterns(name, why) {
  return [
    { regex: `^@wisp/${name}(/|$)`, caseSensitive: true, message: why },
    { regex: `^(\\.\\./)+${name}(/|$)`, caseSensitive: true, message: why },
  ];
}

/** `@wisp/*` except the listed packages. */
function wispExcept(allowed, why) {
  const except = allowed.length ? `(?!(${allowed.join('|')})(/|$))` : '';
  return [{ regex: `^@wisp/${except}`, caseSensitive: true, message: why }];
}

function boundaryBlock(name, files, ignores, patterns) {
  return {
    name: `wisp/boundaries/${name}`,
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

function boundaryBlocks() {
  const meetInApi = 'controlplane and agent never import each other, not even types: use @wisp/api';
  const apiWhy = 'api is the bottom layer and imports nothing of ours (DESIGN §3)';
  const coreWhy = 'core imports only @wisp/api (DESIGN §3)';
  const testkitWhy = 'tests may also import @wisp/testkit';
  return [
    boundaryBlock('controlplane', ['controlplane/**'], [], packagePatterns('agent', meetInApi)),
    boundaryBlock('agent', ['agent/**'], [], packagePatterns('controlplane', meetInApi)),
    boundaryBlock('api', ['api/**'], TEST_FILES, wispExcept(['api'], apiWhy)),
    boundaryBlock(
      'api-tests',
      TEST_FILES.map((p) => `api/${p}`),
      [],
      wispExcept(['api', 'testkit'], `${apiWhy}; ${testkitWhy}`),
    ),
    boundaryBlock('core', ['core/**'], TEST_FILES, wispExcept(['api', 'core'], coreWhy)),
    boundaryBlock(
      'core-tests',
      TEST_FILES.map((p) => `core/${p}`),
      [],
      wispExcept(['api', 'core', 'testkit'], `${coreWhy}; ${testkitWhy}`),
    ),
  ];
}

export default defineConfig(
  {
    name: 'wisp/ignores',
    ignores: [
      '**/node_modules/',
      '**/.wisp/',
      '**/dist/',
      'dashboard/dist/',
      'api/src/openapi/*.json',
      '.test-data/',
      'tmp/',
    ],
  },
  await coreRecommended(),
  tseslint.configs.recommended,
  {
    name: 'wisp/language',
    files: SOURCE_FILES,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  bannedApiBlocks(),
  boundaryBlocks(),
);
