// @ts-check
// esbuild plugins for the functions' bundles (serverless.yml custom.esbuild.plugins; the bench builds with them too).
// The tests run the same sources through Vite, which reads `?raw` itself and YAML through vitest.config.ts's twin of
// yamlAsJson below.
'use strict';

const { readFile } = require('node:fs/promises');
const { parse } = require('yaml');

/** `import text from 'some/file?raw'`: the file's text, bundled as a string (as Vite's `?raw` does). */
const rawText = {
  name: 'raw-text',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, async ({ path, resolveDir, kind }) => {
      const resolved = await build.resolve(path.slice(0, -'?raw'.length), { resolveDir, kind });
      return { path: resolved.path, namespace: 'raw-text', errors: resolved.errors };
    });
    build.onLoad({ filter: /.*/, namespace: 'raw-text' }, async ({ path }) => ({
      contents: await readFile(path, 'utf8'),
      loader: 'text',
    }));
  },
};

/** `import document from './file.yaml'`: the YAML document's value, parsed when the bundle is built. */
const yamlAsJson = {
  name: 'yaml-as-json',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.ya?ml$/ }, async ({ path }) => ({
      contents: JSON.stringify(parse(await readFile(path, 'utf8'))),
      loader: 'json',
    }));
  },
};

module.exports = [rawText, yamlAsJson];
