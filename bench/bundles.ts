// The functions' bundles as `serverless package` builds them: esbuild with serverless.yml's custom.esbuild, passed
// the way serverless-esbuild passes it (its own options taken out, `exclude` made external, the plugins module
// loaded), and the floor built the same way. tests/package checks the deployed zips themselves.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { serverlessYml } from '../infra/serverless-yml.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** serverless-esbuild's own options; the rest is esbuild's. */
interface PluginOptions {
  exclude?: string[];
  outputFileExtension?: string;
  plugins?: string;
}

const {
  exclude = [],
  outputFileExtension: _extension,
  plugins,
  ...options
} = serverlessYml.custom.esbuild as PluginOptions & Record<string, unknown>;

export interface Bundle {
  name: string;
  path: string;
  bytes: number;
}

/** Builds `entry` (a path from the repository's root) into `directory/name.mjs`. */
export async function buildBundle(name: string, entry: string, directory: string): Promise<Bundle> {
  const path = join(directory, `${name}.mjs`);
  await build({
    bundle: true,
    platform: 'node',
    ...(options as BuildOptions),
    absWorkingDir: ROOT,
    external: exclude.filter((pattern) => pattern !== '*'),
    ...(plugins && { plugins: createRequire(import.meta.url)(join(ROOT, plugins)) as Plugin[] }),
    entryPoints: [join(ROOT, entry)],
    outfile: path,
    logLevel: 'silent',
  });
  return { name, path, bytes: statSync(path).size };
}
