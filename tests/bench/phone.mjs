// Browser half of ./scripts/bench, phone figure: the animation-frame interval while a lab plays at
// top speed on a phone-sized page with Chromium's CPU throttled 4× (DevTools protocol
// `Emulation.setCPUThrottlingRate`), the budget's stand-in for a mid-range phone. Not a test (it asserts
// nothing); it prints one JSON object: per lab, over several runs, the median of the runs' p50 and p95
// gaps between animation frames, the largest gap seen, the frames per run, the machine's load
// average before and after, and the host's speed at the start of each round of runs (`host_loop_ms`,
// see common.mjs: on a shared machine the same loop takes 40–75 ms within minutes, and a throttled
// figure slows with it; a loaded or slowed machine inflates every figure: read them with these).
//
// A run's frames are those from the first frame that sees the lab playing until the page is quiet
// again after it settled and every panel drew it (the app's data-settled): the panels that wait while
// off screen draw after the run ends, in parts, and those frames count too. Two gaps in a row of at most QUIET_MS end the run; those two are not counted, so
// an idle page does not dilute the figure.
//
// Usage: node tests/bench/phone.mjs [lab ...]   (dist/ must be built; default: every lab)
// BENCH_PHONE_RUNS (default 3), BENCH_CPU_THROTTLE (default 4).

import { loadavg } from 'node:os';
import { hostLoopMs, launchBrowser, median, percentile, round1, startStaticServer } from './common.mjs';
import { openPhoneLab } from './phone-page.mjs';

const ALL = ['first-delivery', 'double-payment', 'failure-injection', 'ack-before-commit', 'side-effect',
  'visibility-timeout', 'retry-storm', 'checklist'];
const labs = process.argv.length > 2 ? process.argv.slice(2) : ALL;
const RATE = Number(process.env.BENCH_CPU_THROTTLE ?? 4);
const RUNS = Number(process.env.BENCH_PHONE_RUNS ?? 3);
/** Longest a run is timed, in ms of page time. */
const LIMIT_MS = 8000;
/** A gap this short is an idle frame (60 Hz plus scheduling noise). */
const QUIET_MS = 20;

/** One play of `lab` at top speed: the gaps between animation frames, in ms. */
async function play(browser, url, lab) {
  const { context, page } = await openPhoneLab(browser, url, lab, RATE);
  try {
    const measure = page.evaluate(([limit, quiet]) => new Promise((resolve) => {
      const app = document.querySelector('[data-testid="app"]');
      const gaps = [];
      let last = null;
      let end = Infinity;
      let settledSeen = false;
      let calm = 0;
      const tick = (t) => {
        const playing = app.dataset.playing === 'true';
        if (playing && last === null) end = t + limit;
        if (last !== null) {
          const gap = t - last;
          gaps.push(gap);
          calm = settledSeen && gap <= quiet ? calm + 1 : 0;
        }
        if (playing || last !== null) last = t;
        // Over once the app says every panel has drawn the finished run (data-settled), not at the
        // first quiet frames: the panels catch up in parts, with quiet frames between them.
        if (last !== null && !playing && app.dataset.settled === 'true') settledSeen = true;
        if (t > end || calm >= 2) {
          resolve({ gaps: gaps.slice(0, gaps.length - calm), settled: app.dataset.settled === 'true', events: Number(app.dataset.events) });
        } else {
          requestAnimationFrame(tick);
        }
      };
      requestAnimationFrame(tick);
    }), [LIMIT_MS, QUIET_MS]);
    await page.getByTestId('play').click();
    return await measure;
  } finally {
    await context.close();
  }
}

const server = await startStaticServer();
const browser = await launchBrowser();
const out = { cpu_throttle: RATE, viewport: '390x844', runs: RUNS, load_before: loadavg()[0], labs: {} };
try {
  // One play first, not counted: the browser's own start-up work would land in the first lab's runs.
  await play(browser, server.url, labs[0]);
  // Round by round, every lab once per round: a spell of a slow host (they last tens of seconds here)
  // then costs several labs one run each instead of one lab all of its runs, and each lab's median
  // over its runs stays the page's figure.
  const runs = Object.fromEntries(labs.map((lab) => [lab, []]));
  out.host_loop_ms = [];
  for (let i = 0; i < RUNS; i++) {
    out.host_loop_ms.push(hostLoopMs());
    for (const lab of labs) runs[lab].push(await play(browser, server.url, lab));
  }
  for (const [lab, r] of Object.entries(runs)) {
    out.labs[lab] = {
      frames: median(r.map((x) => x.gaps.length)),
      p50_ms: round1(median(r.map((x) => percentile(x.gaps, 0.5)))),
      p95_ms: round1(median(r.map((x) => percentile(x.gaps, 0.95)))),
      max_ms: round1(Math.max(...r.map((x) => Math.max(...x.gaps)))),
      runs_p95_ms: r.map((x) => round1(percentile(x.gaps, 0.95))),
      settled: r.every((x) => x.settled),
      events: r[0].events,
    };
  }
} finally {
  await browser.close();
  await server.close();
}
out.load_after = loadavg()[0];
out.worst_p95_ms = Math.max(...Object.values(out.labs).map((l) => l.p95_ms));
console.log(JSON.stringify(out));
