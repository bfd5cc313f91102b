// Browser half of ./scripts/bench: times the WebAssembly build of the core in headless Chromium.
// Not a test (it asserts nothing); it prints one JSON object for scripts/bench to tabulate.
//
// Usage: node tests/bench/browser.mjs <payments> <runs>   (dist/ must be built)

import { launchBrowser, startStaticServer } from '../e2e/helpers.mjs';

const payments = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const server = await startStaticServer();
const browser = await launchBrowser();
const out = {};
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();

  // Time to interactive: navigation start → the play button is rendered and enabled.
  await page.goto(server.url, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: 30_000 });
  out.interactive_ms = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => window.wasmBindings?.bench_throughput, null, { timeout: 30_000 });

  // Core throughput, the same workload as `lab bench`.
  const times = [];
  let digest = null;
  for (let i = 0; i < runs; i++) {
    const r = await page.evaluate((n) => {
      const t0 = performance.now();
      const d = window.wasmBindings.bench_throughput(n);
      return { ms: performance.now() - t0, d };
    }, payments);
    if (digest !== null && digest !== r.d) throw new Error(`wasm run ${i} gave digest ${r.d}, earlier ${digest}`);
    digest = r.d;
    times.push(r.ms);
  }
  out.wasm_runs_payments_per_sec = times.map((ms) => Math.round(payments / (ms / 1000)));
  out.wasm_payments_per_sec = Math.round(payments / (median(times) / 1000));
  out.wasm_digest = digest;
  out.wasm_memory_bytes = await page.evaluate(() => window.wasmBindings.wasm_memory_bytes());

  // The full sweep: 6 crash points × 32 strategies × 1,000 payments.
  const sweeps = [];
  for (let i = 0; i < runs; i++) {
    sweeps.push(await page.evaluate(() => {
      const t0 = performance.now();
      window.wasmBindings.bench_sweep(1, 1000);
      return performance.now() - t0;
    }));
  }
  out.sweep_runs_ms = sweeps.map((x) => Math.round(x));
  out.sweep_ms = Math.round(median(sweeps));

  // Frame time while playing at top speed with a 100,000-event history: the bench link builds a run of
  // 20,000 payments (~100k events), plays it from the start at maximum speed, and records the gaps between
  // animation frames for 3 seconds.
  const link = await page.evaluate(() => window.wasmBindings.bench_share_link?.(20_000));
  if (link) {
    const frame = await context.newPage();
    await frame.goto(`${server.url}#${link}`);
    await frame.waitForSelector('[data-testid="play"]:not([disabled])');
    const speed = frame.getByTestId('speed');
    if (await speed.count()) await speed.evaluate((el) => { el.value = el.max; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); });
    await frame.getByTestId('play').click();
    const gaps = await frame.evaluate(() => new Promise((resolve) => {
      const gaps = [];
      let last = performance.now();
      const end = last + 3000;
      const tick = (t) => {
        gaps.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(tick); else resolve(gaps);
      };
      requestAnimationFrame(tick);
    }));
    out.frame_p95_ms = Number(percentile(gaps, 0.95).toFixed(1));
    out.frame_max_ms = Number(Math.max(...gaps).toFixed(1));
    out.frame_count = gaps.length;
    out.frame_events = await frame.evaluate(() => document.querySelector('[data-testid="event-total"]')?.textContent ?? null);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
