// Each thing where its users expect it: the admin CLI, which operators run against AWS, carries nothing of the local
// stack's processes (DynamoDB Local, serverless-offline, the sample data); the bench and the tests share their
// helpers from harness/, and the bench takes nothing from tests/.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { glob } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The project's own modules a bundle of this entry point holds (packages left out). */
async function modulesOf(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    absWorkingDir: root.pathname,
  });
  return Object.keys(metafile.inputs);
}

describe('seams', () => {
  it('the admin CLI carries nothing of the local stack', async () => {
    const modules = await modulesOf('scripts/admin.ts');
    expect(modules).toContain('operators/store.ts');
    expect(modules.filter((module) => module.startsWith('local/') || module.startsWith('tests/'))).toEqual([]);
  });

  it('nothing under bench/ imports from tests/', async () => {
    const importsOfTests: string[] = [];
    for await (const file of glob('bench/**/*.ts', { cwd: root.pathname, exclude: ['bench/tmp/**'] })) {
      if (/from '[./]*tests\//.test(readFileSync(new URL(file, root), 'utf8'))) importsOfTests.push(file);
    }
    expect(importsOfTests).toEqual([]);
  });
});
