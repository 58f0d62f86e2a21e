// Warm timings, with tinybench: each task's median latency and its CPU time per call, in rounds whose order rotates,
// so that a drift of the machine during a round touches every task and cancels in ratios taken round by round.
import { Bench } from 'tinybench';

export type Task = () => Promise<unknown>;

export interface Rounds {
  rounds: number;
  /** Timed calls of each task per round, after `warmup` untimed ones. */
  iterations: number;
  warmup: number;
}

/** One figure per round. */
interface Timing {
  ms: number[];
  /** This process's user + system CPU time per call, in µs. */
  cpuUs: number[];
}

/** The list turned `by` places: each round starts with another task. */
export const rotated = <T>(list: readonly T[], by: number): T[] => [
  ...list.slice(by % list.length),
  ...list.slice(0, by % list.length),
];

export async function time(tasks: Record<string, Task>, { rounds, iterations, warmup }: Rounds) {
  const names = Object.keys(tasks);
  const timings: Record<string, Timing> = Object.fromEntries(names.map((name) => [name, { ms: [], cpuUs: [] }]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: 0, iterations, warmupTime: 0, warmupIterations: warmup, throws: true });
    for (const name of rotated(names, round)) {
      let cpu = process.cpuUsage();
      bench.add(name, tasks[name]!, {
        async: true,
        beforeAll: (mode) => {
          if (mode === 'run') cpu = process.cpuUsage();
        },
        afterAll: (mode) => {
          if (mode !== 'run') return;
          const { user, system } = process.cpuUsage(cpu);
          timings[name]!.cpuUs.push((user + system) / iterations);
        },
      });
    }
    for (const task of await bench.run()) {
      if (task.result.state !== 'completed') throw new Error(`${task.name}: ${task.result.state}`);
      timings[task.name]!.ms.push(task.result.latency.p50);
    }
  }
  return timings;
}

/**
 * The CPU time of each call of two tasks, µs, measured call by call in alternating pairs (ab, ba, ab, ...) after
 * `warmup` untimed pairs: a garbage collection or a drift of the machine falls on both alike, and the median of
 * the pairs' ratios leaves the calls it fell on out. For two tasks whose costs differ by a percent or two, which
 * rounds of one task after the other cannot resolve.
 */
export async function pairedCpuUs(
  tasks: readonly [Task, Task],
  { rounds, iterations, warmup }: Rounds,
): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  for (let pair = -warmup; pair < rounds * iterations; pair++) {
    for (const which of pair % 2 === 0 ? [0, 1] : [1, 0]) {
      const before = process.cpuUsage();
      await tasks[which]!();
      const { user, system } = process.cpuUsage(before);
      if (pair >= 0) samples[which]!.push(user + system);
    }
  }
  return samples;
}
