// The page's own memory for a big run, as a learner meets it (not the core alone, which `lab bench`
// and tests/bench/browser.mjs measure): opens the built site on a share link to a 200,000-payment run
// at a time past its end, lets the page catch up (in slices, as it does for any link), and prints
// the WebAssembly linear memory, the JS heap, and the time the catch-up took. Not a test.
//
// Usage: node tests/bench/page-memory.mjs [payments] [at_ms]   (dist/ must be built)

import { launchBrowser, startStaticServer } from './common.mjs';

const payments = Number(process.argv[2] ?? 200_000);
const at = Number(process.argv[3] ?? 2_000_000);

const server = await startStaticServer();
const browser = await launchBrowser(['--enable-precise-memory-info']);
try {
  const newPage = async () => (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const probe = await newPage();
  await probe.goto(server.url);
  await probe.waitForFunction(() => window.wasmBindings?.bench_share_link, null, { timeout: 30_000 });
  const link = await probe.evaluate(([n, t]) => window.wasmBindings.bench_share_link(n, t), [payments, at]);
  const fresh = await probe.evaluate(() => window.wasmBindings.wasm_memory_bytes());
  await probe.context().close();
  // A page of its own, loaded on the link, as a learner opens it.
  const page = await newPage();
  const t0 = Date.now();
  await page.goto(`${server.url}#${link}`);
  await page.getByTestId('app').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="catch-up"]')
    && document.querySelector('[data-testid="clock"]')?.textContent !== 't = 0 ms', null, { timeout: 600_000 });
  const catchUpMs = Date.now() - t0;
  const r = await page.evaluate(() => ({
    wasm: window.wasmBindings.wasm_memory_bytes(),
    js: performance.memory?.usedJSHeapSize ?? null,
    clock: document.querySelector('[data-testid="clock"]').textContent,
    settled: document.querySelector('[data-testid="app"]').dataset.settled,
    events: document.querySelector('[data-testid="app"]').dataset.events,
  }));
  const mib = (b) => (b / 1048576).toFixed(1);
  console.log(JSON.stringify({
    payments,
    at,
    clock: r.clock,
    settled: r.settled,
    events: Number(r.events),
    catch_up_ms: catchUpMs,
    wasm_memory_mib_fresh_page: Number(mib(fresh)),
    wasm_memory_mib: Number(mib(r.wasm)),
    js_heap_mib: r.js === null ? null : Number(mib(r.js)),
  }));
} finally {
  await browser.close();
  await server.close();
}
