// The reference page: what a browser downloads on a first visit (raw, gzip as API Gateway compresses answers over
// 1 KB, brotli for comparison), and the docs function's cold start beside the API's (from the cold-start runs).
import { lastJson, runChild } from '../support/spawn.ts';
import { table, type BenchContext, type SummaryRow } from '../support/context.ts';
import { round } from '../support/stats.ts';
import type { Bundles } from './bundles.ts';
import type { ColdStartResult } from './cold-start.ts';

interface ServedFile {
  path: string;
  contentType: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

export async function measure({ log }: BenchContext, bundles: Bundles) {
  log('docs page: the page and its assets as the docs bundle serves them');
  const files = lastJson<ServedFile[]>(await runChild('page-weight.ts', [bundles.packaged.docs ?? ''], {}));
  const total = (key: 'bytes' | 'gzipBytes' | 'brotliBytes'): number =>
    round(files.reduce((sum, file) => sum + file[key], 0) / 1024);
  return { files, kib: total('bytes'), gzipKib: total('gzipBytes'), brotliKib: total('brotliBytes') };
}

export type DocsPageResult = Awaited<ReturnType<typeof measure>>;

const docsCold = (coldStart: ColdStartResult) => coldStart.variants['docs page (packaged bundle)'];

export function summaryRows(page: DocsPageResult, coldStart: ColdStartResult, bundleKib: number): SummaryRow[] {
  const cold = docsCold(coldStart);
  return [
    [
      'reference page, first visit',
      `${page.files.length} requests, ${page.kib} KiB raw, **${page.gzipKib} KiB gzip** (sent), ${page.brotliKib} KiB brotli`,
      'report',
      '',
    ],
    [
      'reference page, docs function',
      `bundle ${bundleKib} KiB; cold: ready ${cold?.readyMs} ms, import ${cold?.importMs} ms`,
      'nothing added to list / detail',
      '',
    ],
  ];
}

export function section(page: DocsPageResult, coldStart: ColdStartResult): string {
  const cold = docsCold(coldStart);
  return `## Reference page (GET /api/docs)

Everything a browser fetches on a first visit, as the docs function's bundle serves it. API Gateway gzips answers
over 1 KB (minimumCompressionSize) for clients that accept it; the assets' names carry their hash and are cached
for a year, the page and the document are revalidated by ETag. Brotli (quality 11) is for comparison: API Gateway
does not offer it.

${table(
  ['path', 'type', 'raw', 'gzip', 'brotli'],
  [
    ...page.files.map((file) => [
      file.path,
      file.contentType,
      `${round(file.bytes / 1024)} KiB`,
      `${round(file.gzipBytes / 1024)} KiB`,
      `${round(file.brotliBytes / 1024)} KiB`,
    ]),
    ['**total**', '', `${page.kib} KiB`, `**${page.gzipKib} KiB**`, `${page.brotliKib} KiB`],
  ],
)}

A cold docs function (fresh process, import and serve the page): ready ${cold?.readyMs} ms, of which import
${cold?.importMs} ms and the answer ${cold?.requestMs} ms.`;
}
