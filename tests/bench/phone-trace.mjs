// Where the phone figure's frames go: plays one lab at top speed on the phone-sized page (as
// tests/bench/phone.mjs does) under a DevTools trace, and prints the renderer main thread's tasks
// from Play until the page is quiet again, each with its time split into script, style, layout,
// paint (pre-paint, paint, layerize, commit) and garbage collection. Run it unthrottled
// (BENCH_CPU_THROTTLE=1, the default here) for figures that hardly depend on the machine's load: a
// task's CPU time times 4 is roughly what it costs with the CPU throttled 4×. Not a test.
//
// Usage: node tests/bench/phone-trace.mjs [lab] [min-task-ms]   (dist/ must be built)

import { launchBrowser, round1, startStaticServer } from './common.mjs';
import { openPhoneLab } from './phone-page.mjs';

const lab = process.argv[2] ?? 'double-payment';
const MIN_MS = Number(process.argv[3] ?? 1);
const RATE = Number(process.env.BENCH_CPU_THROTTLE ?? 1);

const CATEGORIES = 'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink.user_timing'
  + (process.env.BENCH_INVALIDATIONS ? ',disabled-by-default-devtools.timeline.invalidationTracking' : '');
const KIND = {
  UpdateLayoutTree: 'style', RecalculateStyles: 'style', Layout: 'layout',
  PrePaint: 'paint', Paint: 'paint', Layerize: 'paint', Commit: 'paint', UpdateLayer: 'paint',
  MinorGC: 'gc', MajorGC: 'gc', 'V8.GC_SCAVENGER': 'gc',
};

const server = await startStaticServer(process.env.BENCH_DIST ? { dir: process.env.BENCH_DIST } : {});
const browser = await launchBrowser();
try {
  const { page, cdp, context } = await openPhoneLab(browser, server.url, lab, RATE);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => performance.mark('play'));
  await page.getByTestId('play').click();
  // Waited for inside the page: Playwright's own polling would show in the trace.
  await page.evaluate(() => new Promise((resolve) => {
    const app = document.querySelector('[data-testid="app"]');
    const check = () => (app.dataset.playing === 'false' && app.dataset.settled === 'true' ? resolve() : setTimeout(check, 100));
    check();
  }));
  await page.waitForTimeout(1500 * RATE);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await done;
  await context.close();

  // The renderer's main thread: the one that ran the page's script.
  const main = events.find((e) => e.name === 'FunctionCall' || e.name === 'TimerFire');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const start = events.find((e) => e.name === 'play')?.ts ?? 0;
  const tasks = onMain.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.ts >= start)
    .sort((a, b) => a.ts - b.ts);
  const rows = [];
  let total = 0;
  for (const t of tasks) {
    const end = t.ts + t.dur;
    const inside = onMain.filter((e) => e.ts >= t.ts && e.ts + e.dur <= end && e !== t);
    const split = { style: 0, layout: 0, paint: 0, gc: 0 };
    for (const e of inside) if (KIND[e.name]) split[KIND[e.name]] += e.dur / 1000;
    const script = inside.filter((e) => ['FunctionCall', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'v8.callFunction']
      .includes(e.name)).reduce((m, e) => Math.max(m, e.dur / 1000), 0);
    const ms = (t.tdur ?? t.dur) / 1000;
    total += ms;
    if (ms < MIN_MS) continue;
    if (process.env.BENCH_INVALIDATIONS && ms >= MIN_MS * 3) {
      const detail = inside.filter((e) => ['Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Layerize'].includes(e.name))
        .map((e) => `${e.name} ${round1(e.dur / 1000)}ms ${JSON.stringify(e.args?.beginData ?? e.args?.data ?? e.args?.elementCount ?? '').slice(0, 160)}`);
      const inv = events.filter((e) => e.name.endsWith('InvalidationTracking') && e.ts >= t.ts - 60_000 && e.ts <= end && e.pid === main.pid)
        .map((e) => `${e.name.replace('InvalidationTracking', '')} ${e.args?.data?.reason ?? ''} ${e.args?.data?.nodeName ?? ''}`);
      const tally = {};
      for (const k of inv) tally[k] = (tally[k] ?? 0) + 1;
      console.log(`task at ${round1((t.ts - start) / 1000)}: ${detail.join(' | ')}\n  ` +
        Object.entries(tally).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v}× ${k}`).join('\n  '));
    }
    const what = [...new Set(inside.filter((e) => ['TimerFire', 'FireAnimationFrame', 'EventDispatch', 'ParseHTML'].includes(e.name)).map((e) => e.name))];
    rows.push({ at_ms: round1((t.ts - start) / 1000), cpu_ms: round1(ms), wall_ms: round1(t.dur / 1000),
      script_ms: round1(script), style_ms: round1(split.style), layout_ms: round1(split.layout),
      paint_ms: round1(split.paint), gc_ms: round1(split.gc), what: what.join(' ') });
  }
  console.table(rows);
  // The sampled profile: each function's own time and its time with what it called (a wasm build with
  // its name section, BENCH_DIST, names the Rust functions).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const name = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`.slice(0, 110);
    const me = byId.get(id);
    self.set(name(me), (self.get(name(me)) ?? 0) + dt);
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const k = name(byId.get(n));
      if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + dt); }
    }
  });
  // Per task: the functions it spent most in (samples inside the task's time span).
  if (process.env.BENCH_PROFILE) {
    let at = profile.startTime;
    const stamps = profile.timeDeltas.map((d) => (at += d));
    const name = (n) => `${n.callFrame.functionName || '(anon)'}`.replace(/::h[0-9a-f]{16}$/, '').slice(0, 90);
    for (const t of tasks.filter((t) => (t.tdur ?? t.dur) / 1000 >= MIN_MS)) {
      const tally = new Map();
      let n = 0;
      profile.samples.forEach((id, i) => {
        if (stamps[i] < t.ts || stamps[i] > t.ts + t.dur) return;
        n++;
        const seen = new Set();
        for (let x = id; x !== undefined; x = parent.get(x)) {
          const k = name(byId.get(x));
          if (/redelivery_lab::(ui|sim)|attach|reconcile|getBoundingClientRect|set_attribute/.test(k) && !seen.has(k)) {
            seen.add(k);
            tally.set(k, (tally.get(k) ?? 0) + 1);
          }
        }
      });
      console.log(`task at ${round1((t.ts - start) / 1000)} (${round1((t.tdur ?? t.dur) / 1000)} ms cpu, ${n} samples): ` +
        [...tally].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${Math.round((100 * v) / Math.max(1, n))}% ${k.replace(/^.*redelivery_lab::/, '')}`).join(' | '));
    }
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, ms]) => `${round1(ms).toString().padStart(7)} ${f}`);
  if (process.env.BENCH_PROFILE) {
    console.log('self ms:\n' + top(self, 40).join('\n'));
    console.log('with callees ms:\n' + top(incl, 40).join('\n'));
    const ours = new Map([...incl].filter(([k]) => k.includes('redelivery_lab') || k.includes('yew::')));
    console.log('ours, with callees ms:\n' + top(ours, 70).join('\n'));
  }
  console.log(JSON.stringify({ lab, cpu_throttle: RATE, tasks: tasks.length, main_thread_cpu_ms: round1(total),
    longest_task_ms: Math.max(0, ...rows.map((r) => r.cpu_ms)) }));
} finally {
  await browser.close();
  await server.close();
}
