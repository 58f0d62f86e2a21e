// Warm containers answering requests whose token they have not cached, against the floors (bench/floor.ts) on the
// same client: on loopback, where a call is mostly the SDK's CPU, and through a proxy that holds each call as long
// as an in-region round trip, where reading the token beside the instance pays. Every request presents a new token.
import { DETAIL_UUID } from '../data.ts';
import { ratioRow, type Row } from '../rows.ts';
import { functions, request, withFreshToken, type Setup, type Sizes } from '../setup.ts';
import { time, type Rounds } from '../timing.ts';

const LATENCY_TARGET = 1.1;
const CPU_TARGET = 1.12;
const NETWORK_TARGET = 1.2;
const ROUND_TRIP_MS = 5;

/** The four tasks below present a fresh token on each call, warm-up calls included. */
export const freshTokensNeeded = ({ warm, network }: Sizes): number =>
  4 * [warm, network].reduce((sum, { rounds, warmup, iterations }) => sum + rounds * (warmup + iterations), 0);

async function againstFloors(setup: Setup, endpoint: string, rounds: Rounds) {
  const { detail, list, floors } = functions(setup, { endpoint });
  const detailEvent = withFreshToken(setup, { id: DETAIL_UUID });
  const listEvent = withFreshToken(setup);
  return time(
    {
      detail: request(detail, detailEvent),
      'detail floor': request(floors.detail, detailEvent),
      list: request(list, listEvent),
      'list floor': request(floors.list, listEvent),
    },
    rounds,
  );
}

export async function warm(setup: Setup): Promise<Row[]> {
  const loopback = await againstFloors(setup, setup.dynamoDbEndpoint, setup.sizes.warm);
  const { proxy } = setup;
  Object.assign(proxy, { mode: 'lagging', lagMs: ROUND_TRIP_MS });
  const network = await againstFloors(setup, proxy.endpoint, setup.sizes.network).finally(() => (proxy.mode = 'pass'));
  return ['detail', 'list'].flatMap((name) => {
    const [own, floor] = [loopback[name]!, loopback[`${name} floor`]!];
    return [
      ratioRow(`warm ${name}, token not cached: latency`, 'ms', own.ms, floor.ms, LATENCY_TARGET),
      ratioRow(`warm ${name}, token not cached: CPU per request`, 'µs', own.cpuUs, floor.cpuUs, CPU_TARGET),
      ratioRow(
        `warm ${name}, token not cached: latency, ${ROUND_TRIP_MS} ms round trips`,
        'ms',
        network[name]!.ms,
        network[`${name} floor`]!.ms,
        NETWORK_TARGET,
      ),
    ];
  });
}
