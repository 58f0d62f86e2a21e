// The functions' bundles: `serverless package --stage bench` (the deployed zips), checked byte for byte against an
// esbuild build with serverless.yml's options, which also gives the metafile; variants only the bench builds.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVariant, packageFunctions, type BuiltBundle } from '../support/bundles.ts';
import { table, verdict, type BenchContext, type SummaryRow } from '../support/context.ts';
import { round } from '../support/stats.ts';

const API_FUNCTIONS = ['list', 'detail'] as const;
const FUNCTIONS = [...API_FUNCTIONS, 'docs'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const API_BUNDLE_LIMIT_BYTES = 600 * 1024;

const kib = (bytes: number): number => round(bytes / 1024);

function functionSummary(
  name: FunctionName,
  packagedPath: string,
  built: Record<string, BuiltBundle>,
  checked: boolean,
) {
  const bundle = built[name]!;
  const packagedBytes = readFileSync(packagedPath);
  const isApi = name !== 'docs';
  return {
    bytes: packagedBytes.length,
    kib: kib(packagedBytes.length),
    // The docs function carries the reference page (Swagger UI): not on any API request's path, no size target.
    targetKib: isApi ? API_BUNDLE_LIMIT_BYTES / 1024 : null,
    met: !isApi || packagedBytes.length <= API_BUNDLE_LIMIT_BYTES,
    sameAsEsbuildBuild: checked ? packagedBytes.equals(readFileSync(bundle.path)) : null,
    sdkExternalKib: isApi ? kib(built[`${name}-sdk-external`]?.bytes ?? 0) : null,
    credentialChainKib: isApi ? kib(built[`${name}-credential-chain`]?.bytes ?? 0) : null,
    topPackages: bundle.packages.slice(0, 12).map(({ name: pkg, bytes }) => ({ name: pkg, kib: kib(bytes) })),
    awsSdkAndSmithyKib: kib(
      bundle.packages
        .filter(({ name: pkg }) => /^@(aws-sdk|smithy|aws)\//.test(pkg))
        .reduce((sum, { bytes }) => sum + bytes, 0),
    ),
  };
}

export async function measure({ config, log, tmp }: BenchContext) {
  log(
    `bundles: ${config.serverlessPackage ? 'serverless package --stage bench, and ' : ''}serverless.yml's esbuild options (metafile, variants)`,
  );
  const directory = join(tmp, 'bundles');
  mkdirSync(directory, { recursive: true });
  const built: Record<string, BuiltBundle> = {};
  for (const name of FUNCTIONS) built[name] = await buildVariant(name, `functions/${name}.ts`, directory);
  for (const name of API_FUNCTIONS) {
    const entry = `functions/${name}.ts`;
    built[`${name}-sdk-external`] = await buildVariant(`${name}-sdk-external`, entry, directory, {
      external: ['@aws-sdk/*'],
    });
    // What the alias to lib/env-credentials.ts saves: the SDK's default credential chain, as without it.
    built[`${name}-credential-chain`] = await buildVariant(`${name}-credential-chain`, entry, directory, { alias: {} });
  }
  built.floor = await buildVariant('floor', 'bench/floor.ts', directory);
  // The deployed zips; the smoke run takes the identical esbuild build instead (tests/package covers packaging).
  const packaged: Record<string, string> = config.serverlessPackage
    ? await packageFunctions(join(tmp, 'package'), FUNCTIONS)
    : Object.fromEntries(FUNCTIONS.map((name) => [name, built[name]!.path]));
  const functions = Object.fromEntries(
    FUNCTIONS.map((name) => [name, functionSummary(name, packaged[name]!, built, config.serverlessPackage)]),
  ) as Record<FunctionName, ReturnType<typeof functionSummary>>;
  return { packaged, built, functions, floorKib: kib(built.floor.bytes) };
}

export type Bundles = Awaited<ReturnType<typeof measure>>;
/** What the report keeps: not the paths of this run's files. */
export type BundlesResult = Pick<Bundles, 'functions' | 'floorKib'>;

export const summaryRows = ({ functions }: BundlesResult, importMs: (name: string) => number): SummaryRow[] =>
  API_FUNCTIONS.map((name) => {
    const bundle = functions[name];
    return [
      `bundle, ${name}`,
      `${bundle.kib} KiB minified, import ${importMs(name)} ms`,
      `<= ${bundle.targetKib} KiB`,
      verdict(bundle.met),
    ];
  });

export function section({ functions, floorKib }: BundlesResult, importMs: (name: string) => number): string {
  const optional = (value: number | null, unit = ' KiB'): string => (value === null ? '-' : `${value}${unit}`);
  return `## Bundles

\`serverless package --stage bench\` (the deployed zips), checked byte for byte against an esbuild build with
serverless.yml's custom.esbuild options, which also writes the metafile. Import time is from the cold-start runs.
The docs function carries the reference page's Swagger UI and no AWS SDK; it is on no API request's path.

${table(
  [
    'function',
    'minified',
    'same as esbuild build',
    'AWS SDK + Smithy',
    'with @aws-sdk/* external',
    'with the default credential chain',
    'import',
  ],
  FUNCTIONS.map((name) => {
    const bundle = functions[name];
    return [
      name,
      bundle.targetKib === null
        ? `${bundle.kib} KiB`
        : `${bundle.kib} KiB (${verdict(bundle.met)}, <= ${bundle.targetKib})`,
      bundle.sameAsEsbuildBuild === null ? 'not checked' : bundle.sameAsEsbuildBuild ? 'yes' : '**no**',
      `${bundle.awsSdkAndSmithyKib} KiB`,
      optional(bundle.sdkExternalKib),
      optional(bundle.credentialChainKib),
      `${importMs(name)} ms`,
    ];
  }),
)}

The floor bundle (document client only): ${floorKib} KiB.

Top packages by bytes in the output (detail; list is the same but for its own code):

${table(
  ['package', 'KiB'],
  functions.detail.topPackages.map(({ name, kib: size }) => [name, size]),
)}`;
}
