// Shared by the browser benchmarks (tests/bench/*.mjs): order statistics and the one way to start
// Chromium and the site (the end-to-end helpers' launch flags and static server).

export { launchBrowser, startStaticServer } from '../e2e/helpers.mjs';

/** The value below which a share `q` (0–1) of `xs` lies: the nearest rank, no interpolation. */
export const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** The middle value of `xs` (the upper one of an even count). */
export const median = (xs) => percentile(xs, 0.5);

/** A number rounded to one decimal, for the JSON the benchmarks print. */
export const round1 = (x) => Number(x.toFixed(1));
