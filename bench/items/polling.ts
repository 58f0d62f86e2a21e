// A client polling with If-None-Match (a warm container, its token cached): the 304 against the 200 it replaces, in
// CPU per request and in header bytes (every byte of a 304 is a header); then what a million of each would cost.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { costPerMillion } from '../cost.ts';
import { DETAIL_UUID, TOKEN } from '../data.ts';
import { median, ratioRow, valueRow, type Row } from '../rows.ts';
import { answer, auth, functions, readUnits, request, same, type Setup } from '../setup.ts';
import { pairedCpuUs } from '../timing.ts';

/** A 304 may cost no more CPU than its 200: it does the 200's work and leaves the body out. */
const CPU_TARGET = 1.02;
const HEADER_BYTES_TARGET = 600;

/** The header lines API Gateway sends for the function's headers (`name: value\r\n`), multi-value ones first. */
function headerBytes({ headers = {}, multiValueHeaders = {} }: APIGatewayProxyResult): number {
  const lines = [
    ...Object.entries(multiValueHeaders).flatMap(([name, values]) => values.map((value) => `${name}: ${value}\r\n`)),
    ...Object.entries(headers)
      .filter(([name]) => !(name in multiValueHeaders))
      .map(([name, value]) => `${name}: ${value}\r\n`),
  ];
  return Buffer.byteLength(lines.join(''));
}

export async function polling(setup: Setup): Promise<Row[]> {
  const handlers = functions(setup);
  const counted = functions(setup, { endpoint: setup.proxy.endpoint });
  const rows: Row[] = [];
  const costs: Row[] = [];
  const plain = { detail: { headers: auth(TOKEN), id: DETAIL_UUID }, list: { headers: auth(TOKEN) } };
  for (const name of ['detail', 'list'] as const) {
    const handler = handlers[name];
    const first = await answer(handler, plain[name]);
    const poll = { ...plain[name], headers: { ...plain[name].headers, 'if-none-match': String(first.headers?.ETag) } };
    const [notModified, ok] = await pairedCpuUs(
      [request(handler, same(poll), 304), request(handler, same(plain[name]))],
      setup.sizes.warm,
    );
    const cpuUs = { 200: ok, 304: notModified };
    rows.push(
      ratioRow(`304 poll, ${name}: CPU per request vs its 200`, 'µs', cpuUs[304], cpuUs[200], CPU_TARGET),
      valueRow(
        `304 poll, ${name}: header bytes`,
        headerBytes(await answer(handler, poll)),
        'bytes',
        HEADER_BYTES_TARGET,
      ),
    );
    for (const [label, options, status] of [
      [name, plain[name], 200],
      [`304 poll, ${name}`, poll, 304],
    ] as const) {
      const units = await readUnits(counted[name], options, setup.proxy);
      costs.push(
        valueRow(
          `cost per million, ${label}`,
          costPerMillion({ cpuUs: median(cpuUs[status]), roundTrips: 1, readUnits: units }),
          '$',
        ),
      );
    }
  }
  return [...rows, ...costs];
}
