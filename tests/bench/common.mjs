// Shared by the browser benchmarks (tests/bench/*.mjs): order statistics and the one way to start
// Chromium and the site (the end-to-end helpers' launch flags and static server).

export { launchBrowser, startStaticServer } from '../e2e/helpers.mjs';

/** The value below which a share `q` (0–1) of `xs` lies: the nearest rank, no interpolation. */
export const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** The middle value of `xs` (the upper one of an even count). */
export const median = (xs) => percentile(xs, 0.5);

/** A number rounded to one decimal, for the JSON the benchmarks print. */
export const round1 = (x) => Number(x.toFixed(1));

/**
 * The host's speed right now: the median time in ms of a fixed integer loop (after two warm-up rounds).
 * A throttled figure is a multiple of the host's own speed, and a shared machine's speed drifts by
 * half or more within minutes: read each figure with the loop time taken beside it (smaller is faster).
 */
export function hostLoopMs() {
  const times = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x = (x * 31 + i) | 0;
    if (x === 0.5) throw new Error('unreachable: keeps the loop');
    if (r >= 2) times.push(performance.now() - t0);
  }
  return round1(median(times));
}
