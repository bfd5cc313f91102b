// Browser half of ./scripts/bench: times the WebAssembly build of the core in headless Chromium.
// Not a test (it asserts nothing); it prints one JSON object for scripts/bench to tabulate.
//
// Usage: node tests/bench/browser.mjs <payments> <runs>   (dist/ must be built)

import { launchBrowser, median, percentile, startStaticServer } from './common.mjs';

const payments = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);

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

  // Frame time while playing at top speed with a long history: the bench link opens a run of 100,000
  // payments at 500 simulated seconds (over 100,000 events behind it), plays on at maximum speed, and
  // records the play ticks' work and the gaps between animation frames for 3 seconds.
  const link = await page.evaluate(() => window.wasmBindings.bench_share_link?.(100_000, 500_000));
  if (link) {
    const frame = await context.newPage();
    // Time every play tick (the app plays from a setInterval): from the tick's start to the next task,
    // which includes the simulation step and Yew's re-render (run as microtasks right after it).
    await frame.addInitScript(() => {
      window.__tickWork = [];
      const original = window.setInterval;
      window.setInterval = (fn, ms, ...args) => original((...a) => {
        const t0 = performance.now();
        fn(...a);
        const ch = new MessageChannel();
        ch.port1.onmessage = () => window.__tickWork.push(performance.now() - t0);
        ch.port2.postMessage(0);
      }, ms, ...args);
    });
    await frame.goto(`${server.url}#${link}`);
    await frame.waitForSelector('[data-testid="play"]:not([disabled])');
    const speed = frame.getByTestId('speed');
    if (await speed.count()) await speed.evaluate((el) => { el.value = el.max; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); });
    await frame.getByTestId('play').click();
    await frame.evaluate(() => { window.__tickWork = []; });
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
    const work = await frame.evaluate(() => window.__tickWork);
    out.tick_count = work.length;
    out.tick_work_p95_ms = Number(percentile(work, 0.95).toFixed(1));
    out.tick_work_max_ms = Number(Math.max(...work).toFixed(1));
    out.events_in_history = Number(await frame.getByTestId('app').getAttribute('data-events'));

    // Scrubbing: pause, then jump the scrubber to several times, back and forth, and time each jump from
    // the input event to the clock showing the new time (its `data-ms`) (the core restores a snapshot and replays).
    await frame.getByTestId('play').click();
    const end = Number(await frame.getByTestId('scrub').getAttribute('max'));
    const jumps = [];
    for (const f of [0.5, 0.1, 0.9, 0.3, 0.7, 0.05, 0.95]) {
      const target = Math.round(end * f);
      jumps.push(await frame.evaluate((t) => new Promise((resolve) => {
        const scrub = document.querySelector('[data-testid="scrub"]');
        const clock = document.querySelector('[data-testid="clock"]');
        const t0 = performance.now();
        scrub.value = String(t);
        scrub.dispatchEvent(new Event('input', { bubbles: true }));
        const check = () => (clock.dataset.ms === String(t) ? resolve(performance.now() - t0) : requestAnimationFrame(check));
        check();
      }), target));
    }
    out.scrub_runs_ms = jumps.map((x) => Math.round(x));
    out.scrub_max_ms = Math.round(Math.max(...jumps));
    out.scrub_median_ms = Math.round(median(jumps));
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
