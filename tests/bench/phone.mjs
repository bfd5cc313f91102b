// Browser half of ./scripts/bench, phone figure: the animation-frame interval while a lab plays at
// top speed on a phone-sized page with Chromium's CPU throttled 4× (DevTools protocol
// `Emulation.setCPUThrottlingRate`), the budget's stand-in for a mid-range phone. Not a test (it asserts
// nothing); it prints one JSON object: per lab, the p50 / p95 / max gap between animation frames
// while playing, and the number of frames.
//
// Usage: node tests/bench/phone.mjs [lab ...]   (dist/ must be built; default: every lab)

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CHROMIUM_ARGS, repoRoot, startStaticServer } from '../e2e/helpers.mjs';

const { chromium } = createRequire(join(repoRoot, '.tools', 'package.json'))('playwright-core');

const ALL = ['first-delivery', 'double-payment', 'failure-injection', 'ack-before-commit', 'side-effect',
  'visibility-timeout', 'retry-storm', 'checklist'];
const labs = process.argv.length > 2 ? process.argv.slice(2) : ALL;
const RATE = Number(process.env.BENCH_CPU_THROTTLE ?? 4);
const PLAY_MS = 4000;
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const server = await startStaticServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
});
const out = { cpu_throttle: RATE, viewport: '390x844', labs: {} };
try {
  for (const lab of labs) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: 30_000 });
    await page.getByTestId('lab-select').selectOption(lab);
    await page.waitForSelector(`[data-testid="app"][data-lab="${lab}"]`);
    const speed = page.getByTestId('speed');
    await speed.evaluate((el) => {
      el.value = el.max;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
    await page.waitForTimeout(300);
    // Frames are timed while the app says it is playing, until the run settles (or PLAY_MS passes).
    const measure = page.evaluate((limit) => new Promise((resolve) => {
      const gaps = [];
      const app = document.querySelector('[data-testid="app"]');
      let last = null;
      let end = Infinity;
      const tick = (t) => {
        const playing = app.dataset.playing === 'true';
        if (playing && last === null) end = t + limit;
        if (last !== null) gaps.push(t - last);
        if (playing || last !== null) last = t;
        const done = t > end || (last !== null && !playing);
        if (done) resolve({ gaps, settled: app.dataset.settled === 'true', events: Number(app.dataset.events) });
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }), PLAY_MS);
    await page.getByTestId('play').click();
    const { gaps, settled, events } = await measure;
    const playing = gaps;
    out.labs[lab] = {
      frames: playing.length,
      p50_ms: Number(percentile(playing, 0.5).toFixed(1)),
      p95_ms: Number(percentile(playing, 0.95).toFixed(1)),
      max_ms: Number(Math.max(...playing).toFixed(1)),
      settled,
      events,
    };
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const all = Object.values(out.labs);
out.worst_p95_ms = Math.max(...all.map((l) => l.p95_ms));
console.log(JSON.stringify(out));
