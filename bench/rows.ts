// What the bench reports: rows of bench/results.json, each one figure with its unit, its ratio to a floor or baseline
// measured in the same run (when it has one) and its target.

export interface Row {
  item: string;
  value: number;
  unit: string;
  ratio: number | null;
  /** The ratio's target, or the value's when there is no ratio; null: reported only. */
  target: number | null;
  met: boolean | null;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? NaN) + (sorted[Math.ceil(middle)] ?? NaN)) / 2;
}

/** The median of the ratios of figures measured side by side (round by round, process by process). */
const medianRatio = (values: readonly number[], baselines: readonly number[]): number =>
  median(values.map((value, index) => value / (baselines[index] ?? NaN)));

const round = (value: number): number => Number(value.toPrecision(4));

/** A figure against its floor or baseline: the median of each, and the median of their ratios. */
export const ratioRow = (
  item: string,
  unit: string,
  values: readonly number[],
  baselines: readonly number[],
  target: number,
): Row => {
  const ratio = round(medianRatio(values, baselines));
  return { item, value: round(median(values)), unit, ratio, target, met: ratio <= target };
};

export const valueRow = (item: string, value: number, unit: string, target: number | null = null): Row => ({
  item,
  value: round(value),
  unit,
  ratio: null,
  target,
  met: target === null ? null : value <= target,
});
