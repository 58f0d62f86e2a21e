// The functions' bundles: the ones `serverless package` makes (what is deployed), and the same esbuild options
// (serverless.yml's custom.esbuild, read here, as serverless-esbuild passes them) for the metafile analysis and for
// variants that only the bench builds.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { serverlessYml } from '../../local/serverless-yml.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** serverless-esbuild's own options, removed before the rest goes to esbuild (its bundle.js does the same). */
const PLUGIN_OPTIONS = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
]);

/** esbuild options equivalent to serverless.yml's custom.esbuild under serverless-esbuild (its defaults included). */
function serverlessEsbuildOptions(): BuildOptions {
  const custom: Record<string, unknown> = {
    bundle: true,
    platform: 'node',
    exclude: ['aws-sdk'],
    external: [],
    ...serverlessYml.custom.esbuild,
  };
  const options: Record<string, unknown> = Object.fromEntries(
    Object.entries(custom).filter(([key]) => !PLUGIN_OPTIONS.has(key)),
  );
  const exclude = (custom.exclude as string[]).filter((name) => name !== '*');
  options.external = [...(custom.external as string[]), ...exclude];
  const extension = custom.outputFileExtension;
  if (typeof extension === 'string' && extension !== '.js') options.outExtension = { '.js': extension };
  // A path to the plugins' module, which serverless-esbuild requires (as here).
  if (typeof custom.plugins === 'string') options.plugins = createRequire(import.meta.url)(join(ROOT, custom.plugins));
  return options;
}

interface PackageInfo {
  name: string;
  bytes: number;
}

export interface BuiltBundle {
  name: string;
  path: string;
  bytes: number;
  /** Bytes in the output by npm package (first-party code under its top folder), largest first. */
  packages: PackageInfo[];
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match?.[1]) return match[1];
  return `(project) ${input.split('/')[0] ?? input}`;
}

function packagesOf(metafile: Metafile): PackageInfo[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Builds one entry with the serverless.yml options plus `overrides` into `directory/name.mjs`. */
export async function buildVariant(
  name: string,
  entry: string,
  directory: string,
  overrides: BuildOptions = {},
): Promise<BuiltBundle> {
  const base = serverlessEsbuildOptions();
  const outfile = join(directory, `${name}.mjs`);
  const result = await build({
    ...base,
    ...overrides,
    external: [...(base.external ?? []), ...(overrides.external ?? [])],
    entryPoints: [join(ROOT, entry)],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  writeFileSync(join(directory, `${name}.meta.json`), JSON.stringify(result.metafile));
  return { name, path: outfile, bytes: statSync(outfile).size, packages: packagesOf(result.metafile) };
}

/** `serverless package --stage bench` into `directory`; returns each function's bundle, unzipped there. */
export async function packageFunctions(
  directory: string,
  functions: readonly string[],
): Promise<Record<string, string>> {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const serverless = join(ROOT, 'node_modules/.bin/serverless');
  await promisify(execFile)(serverless, ['package', '--stage', 'bench', '--package', directory], { cwd: ROOT });
  const paths: Record<string, string> = {};
  for (const name of functions) {
    const zip = new AdmZip(join(directory, `${name}.zip`));
    const entry = zip.getEntry(`functions/${name}.mjs`);
    if (!entry) throw new Error(`${name}.zip holds no functions/${name}.mjs`);
    const path = join(directory, `${name}.mjs`);
    writeFileSync(path, entry.getData());
    paths[name] = path;
  }
  return paths;
}
