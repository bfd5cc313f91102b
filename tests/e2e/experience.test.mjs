// The learner's, the trainer's and the phone reader's experience (issue 13): keys that keep working
// after the mouse, charts and scroll boxes that can be read, words that read right, and an axe-core
// accessibility pass over the main views, themes and the phone layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eSuite, playUntilSettled, repoRoot, settled, watchProblems } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

const playing = async (app) => (await app.byTestId('app').getAttribute('data-playing')) === 'true';
/** Simulated milliseconds now, as the clock states them. */
const ms = async (app) => Number(await app.byTestId('clock').getAttribute('data-ms'));
const clock = async (app) => (await app.byTestId('clock').textContent()).trim();

test('the shortcuts still drive the timeline after the mouse used a select, a checkbox or a button', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    // A select picked with the mouse keeps the focus once its list has closed (selectOption leaves it
    // so; a click would leave headless Chromium's option list open): → and Page Down must step, not
    // switch labs.
    await app.byTestId('lab-select').selectOption('double-payment');
    await app.byTestId('lab-select').focus();
    await page.keyboard.press('ArrowRight');
    const stepped = await ms(app);
    assert.ok(stepped > 0, '→ on a focused select steps the run');
    await page.keyboard.press('PageDown');
    const further = await ms(app);
    assert.ok(further > stepped, 'Page Down on a focused select steps the run');
    await page.keyboard.press('PageUp');
    const back = await ms(app);
    assert.ok(back < further, 'Page Up on a focused select steps back');
    await page.keyboard.press('ArrowRight');
    const again = await ms(app);
    assert.ok(again > back);
    await page.keyboard.press('ArrowLeft');
    assert.ok((await ms(app)) < again, '← on a focused select steps back');
    assert.equal(await app.byTestId('lab-select').inputValue(), 'double-payment', 'the lab did not change');
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'double-payment');
    await page.keyboard.press('Space');
    assert.ok(await playing(app), 'Space on a focused select plays');
    await page.keyboard.press('Space');
    assert.ok(!(await playing(app)), 'Space on a focused select pauses');

    // A checkbox clicked on: Space plays and does not toggle it back (that would undo the fix unseen).
    await app.byTestId('toggle-idempotency').click();
    assert.ok(await app.byTestId('toggle-idempotency').isChecked());
    await page.keyboard.press('Space');
    assert.ok(await playing(app), 'Space on a focused checkbox plays');
    assert.ok(await app.byTestId('toggle-idempotency').isChecked(), 'and leaves the checkbox as it was');
    await page.keyboard.press('Space');
    assert.ok(!(await playing(app)));

    // A button clicked on (Reset): Space plays instead of pressing Reset again; `r` still resets.
    await page.keyboard.press('.');
    await app.byTestId('reset').click();
    assert.equal(await app.byTestId('clock').getAttribute('data-ms'), '0');
    await page.keyboard.press('.');
    assert.notEqual(await app.byTestId('clock').getAttribute('data-ms'), '0', '. on a focused button steps');
    await page.keyboard.press('Space');
    assert.ok(await playing(app), 'Space on a focused button plays');
    await page.keyboard.press('Space');
    assert.ok(!(await playing(app)));
    assert.notEqual(await app.byTestId('clock').getAttribute('data-ms'), '0', 'Space did not press Reset again');
    await page.keyboard.press('c');
    await page.locator('[data-testid=consumer].consumer--down').waitFor();
    await app.byTestId('step').click();
    await page.keyboard.press('r');
    assert.equal(await app.byTestId('clock').getAttribute('data-ms'), '0', 'r on a focused button resets');
    await page.keyboard.press('?');
    assert.ok(await app.byTestId('help').isVisible(), '? opens the help');
    await page.keyboard.press('Escape');
    assert.equal(await app.byTestId('help').count(), 0);
    // Inside the modal help, Space presses its focused Close button instead of playing behind it.
    await page.keyboard.press('?');
    await page.keyboard.press('Space');
    assert.equal(await app.byTestId('help').count(), 0, 'Space pressed Close');
    assert.ok(!(await playing(app)), 'and did not play');

    // A typed field keeps its keys: a seed typed with spaces and dots is the field's, not the run's.
    await app.byTestId('seed-input').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('.');
    assert.equal(await app.byTestId('clock').getAttribute('data-ms'), '0', 'keys typed into a field stay in it');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('in Side by side and Sweep the key map says which keys work there', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('presenter').click();
    const sandboxMap = await app.byTestId('keymap').textContent();
    assert.match(sandboxMap, /play or pause/);
    for (const view of ['view-compare', 'view-sweep']) {
      await app.byTestId(view).click();
      const map = await app.byTestId('keymap').textContent();
      assert.doesNotMatch(map, /play or pause/, `${view}: the key map does not advertise Space`);
      assert.match(map, /open Sandbox to use them/, `${view}: the key map says where the timeline keys work`);
      await page.keyboard.press('?');
      assert.ok(await app.byTestId('help').isVisible(), `${view}: ? works`);
      assert.equal(await app.byTestId('help-outside-sandbox').count(), 1);
      assert.doesNotMatch(await app.byTestId('help').textContent(), /play or pause/);
      await page.keyboard.press('Escape');
      // The keys the map says are off do not move the sandbox's run unseen.
      await page.keyboard.press('.');
      await page.keyboard.press('ArrowRight');
      if (view === 'view-compare') {
        // …and keep their ordinary meaning: Space presses the focused "Play both".
        await app.byTestId('compare-play').focus();
        await page.keyboard.press('Space');
        assert.equal(await app.byTestId('compare-play').getAttribute('aria-pressed'), 'true', 'Space pressed Play both');
        await app.byTestId('compare-play').click();
      }
    }
    await app.byTestId('view-sandbox').click();
    assert.equal(await app.byTestId('clock').getAttribute('data-ms'), '0', 'the sandbox run did not move');
    assert.ok(!(await playing(app)));
    assert.match(await app.byTestId('keymap').textContent(), /play or pause/);
    await app.screenshot('experience-keymap-sandbox');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** 2 → `2nd`, 11 → `11th`: what an ordinal must read. */
function ordinal(n) {
  const suffix = [11, 12, 13].includes(n % 100) ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The smallest on-screen size (px) of the tick labels of every chart, each scrolled into view first. */
async function smallestTickPx(page) {
  const charts = page.locator('.chart__svg');
  const n = await charts.count();
  assert.ok(n >= 5, `the dashboard draws its charts (${n})`);
  let smallest = Infinity;
  for (let i = 0; i < n; i++) {
    await charts.nth(i).scrollIntoViewIfNeeded();
    const px = await charts.nth(i).evaluate((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    });
    smallest = Math.min(smallest, px);
  }
  return smallest;
}

test('charts read at 11 px or more, count axes use whole numbers, time starts at 0; scroll boxes say so', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await playUntilSettled(app);
    const px = await smallestTickPx(page);
    assert.ok(px >= 11, `the smallest chart label is ${px.toFixed(1)} px on screen at 1280×720`);
    for (const chart of ['chart-redeliveries', 'chart-duplicates', 'chart-queue-depth', 'chart-gateway', 'chart-latency']) {
      const ticks = await app.byTestId(chart).locator('.chart__grid text').allTextContents();
      assert.ok(ticks.length >= 2, `${chart} has value ticks`);
      for (const t of ticks) assert.match(t, /^\d+$/, `${chart}: a count axis tick reads ${JSON.stringify(t)}`);
    }
    for (const chart of ['chart-redeliveries', 'chart-lag', 'chart-gateway', 'chart-duplicates', 'chart-queue-depth', 'chart-dead-letter']) {
      const first = await app.byTestId(chart).locator('.chart__tick').first().textContent();
      assert.equal(first, '0 s', `${chart}: the time axis starts at 0`);
    }

    // The customers' charge cards: every row counted in the heading is in the list, the list takes
    // the keyboard focus with a name that carries the counts, and a list taller than its box says so.
    const cards = page.locator('[data-testid=customer-charges]');
    assert.ok((await cards.count()) > 0);
    let hinted = 0;
    for (let i = 0; i < (await cards.count()); i++) {
      const card = cards.nth(i);
      const counted = card.getByTestId('customer-charges-count');
      const charges = Number(await counted.getAttribute('data-charges'));
      const dups = Number(await counted.getAttribute('data-duplicates'));
      const list = card.locator('ul');
      assert.equal(await list.locator('[data-testid=charge-row]').count(), charges, 'the heading counts the rows listed');
      assert.equal(await list.locator('[data-testid=charge-row][data-duplicate=true]').count(), dups);
      if (dups > 0) assert.match(await counted.textContent(), new RegExp(`${dups} duplicates?`), 'the heading names the duplicates');
      assert.equal(await list.getAttribute('tabindex'), '0');
      assert.match(await list.getAttribute('aria-label'), new RegExp(`${charges} charges?`));
      const scrolls = await list.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
      const hint = await card.getByTestId('charges-scroll-hint').count();
      if (scrolls) {
        assert.equal(hint, 1, 'a list that scrolls says so');
        hinted++;
      }
    }
    const events = app.byTestId('event-list');
    assert.equal(await events.getAttribute('tabindex'), '0');
    assert.match(await events.getAttribute('aria-label'), /Events/);
    await events.focus();
    const before = await events.evaluate((el) => el.scrollTop);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    // Chromium animates keyboard scrolling, so the offset grows over a few frames: wait for it
    // (up to 3 s on a loaded machine) instead of reading it once right after the key press.
    const moved = await events.evaluate(async (el, start) => {
      for (let i = 0; i < 60 && el.scrollTop <= start; i++) await new Promise((r) => setTimeout(r, 50));
      return el.scrollTop > start;
    }, before);
    assert.ok(moved, 'the focused event list scrolls from the keyboard');
    console.log(`charts: smallest label ${px.toFixed(1)} px; ${hinted} charge lists scroll and say so`);
    await app.screenshot('experience-charts-1280');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('chart labels stay at 11 px or more on a phone and in the projector theme at 1920×1080', async () => {
  const sizes = {};
  for (const [name, viewport, projector] of [['phone', { width: 390, height: 844 }, false], ['projector', { width: 1920, height: 1080 }, true]]) {
    const context = await e2e.browser.newContext({ viewport, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(e2e.baseUrl);
      await page.getByTestId('app').waitFor();
      if (projector) await page.getByTestId('theme-projector').click();
      await page.getByTestId('lab-select').selectOption('double-payment');
      await playUntilSettled({ byTestId: (id) => page.getByTestId(id), page });
      sizes[name] = await smallestTickPx(page);
      await page.screenshot({ path: join(repoRoot, 'target', 'e2e', `experience-charts-${name}.png`), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
  console.log(`charts: smallest label ${sizes.phone.toFixed(1)} px on a phone, ${sizes.projector.toFixed(1)} px in the projector theme`);
  assert.ok(sizes.phone >= 11, `phone: ${sizes.phone}`);
  assert.ok(sizes.projector >= 11, `projector: ${sizes.projector}`);
});

test('words: ordinals, a crash glyph, skipped steps, the clock in seconds, plurals and strategies in words', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    // Side by side, from free play: the recorded actions counted with the right noun, both strategies
    // in words.
    const recorded = async () => {
      await app.byTestId('view-compare').click();
      const note = await app.byTestId('compare').locator('.panel__note').first().textContent();
      assert.doesNotMatch(note, /\(s\)/);
      const m = note.match(/(\d+) recorded (actions?);/);
      assert.ok(m, note);
      await app.byTestId('view-sandbox').click();
      return `${m[1]} recorded ${m[2]}`;
    };
    assert.equal(await recorded(), '0 recorded actions');
    await page.locator('[data-testid=crash-now][data-consumer="0"]').click();
    assert.equal(await recorded(), '1 recorded action');
    await app.byTestId('view-compare').click();
    assert.match(await app.byTestId('compare-left-strategy-words').textContent(), /no processed check/);
    assert.match(await app.byTestId('compare-right-strategy-words').textContent(), /processed check \(unique\)/);
    await app.screenshot('experience-compare');
    await app.byTestId('view-sandbox').click();

    await app.byTestId('lab-select').selectOption('double-payment');
    const armed = await app.byTestId('armed-crash').first().textContent();
    const every = armed.match(/every (\d+)(\w\w) pass/);
    assert.ok(every, `the armed crash says how often: ${armed}`);
    assert.equal(`${every[1]}${every[2]}`, ordinal(Number(every[1])), 'with the right ordinal');
    const crash = await page.locator('[data-testid=crash-after-check]').first().textContent();
    assert.doesNotMatch(crash, /✕/, 'the crash button does not look like a close button');
    assert.match(crash, /↯\s*crash/);

    // The naive strategy skips the check and the transaction: once the job is past them they are
    // marked skipped, never ✓.
    for (let i = 0; i < 6; i++) await app.byTestId('step').click();
    const rail = await page.locator('[data-testid=step-rail]').first().locator('[data-testid=rail-step]').evaluateAll((els) =>
      els.map((e) => ({ status: e.dataset.status, step: e.dataset.step, mark: getComputedStyle(e, '::before').content, text: e.textContent })),
    );
    const skipped = rail.filter((s) => s.status === 'skipped');
    assert.ok(skipped.length >= 2, `the naive consumer skips steps: ${JSON.stringify(rail)}`);
    for (const s of skipped) {
      assert.doesNotMatch(s.mark, /✓/, `${s.step} is not ticked`);
      assert.match(s.text, /skipped/);
    }
    assert.ok(rail.some((s) => s.status === 'done' && /✓/.test(s.mark)), 'steps that ran are ticked');

    // The clock in seconds with separators, and the milliseconds it stands for.
    await playUntilSettled(app);
    const ms = Number(await app.byTestId('clock').getAttribute('data-ms'));
    const text = await clock(app);
    assert.match(text, /^t = \d{1,3}(,\d{3})*\.\d{3} s$/);
    assert.equal(text, `t = ${Math.floor(ms / 1000).toLocaleString('en-US')}.${String(ms % 1000).padStart(3, '0')} s`);
    // The event log's time column reads the same way, each row's from the milliseconds it stands for.
    const times = await page.locator('[data-testid=event-row]').evaluateAll((rows) =>
      rows.map((r) => [Number(r.dataset.time), r.querySelector('.event__time').textContent]));
    assert.ok(times.length > 0);
    for (const [t, shown] of times) {
      assert.equal(shown, `${Math.floor(t / 1000).toLocaleString('en-US')}.${String(t % 1000).padStart(3, '0')} s`, `event at ${t} ms`);
    }

    // The sweep: rows in words with the code alongside, and the legend above the table.
    await app.byTestId('view-sweep').click();
    await app.byTestId('sweep-run').click();
    await page.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 60_000 });
    const labels = await page.getByTestId('sweep-row-label').allTextContents();
    assert.ok(labels.length >= 16);
    for (const l of labels) assert.match(l, /transaction.*ack.*gateway key \(.+\)$/, `a row in words: ${l}`);
    const legendAbove = await page.evaluate(() => {
      const legend = document.querySelector('[data-testid=sweep-legend]');
      const table = document.querySelector('[data-testid=sweep-table]');
      return legend.getBoundingClientRect().bottom <= table.getBoundingClientRect().top;
    });
    assert.ok(legendAbove, 'the legend is above the table');
    assert.match(await app.byTestId('sweep-legend').textContent(), /first = manual ack before any work/);
    // In the projector theme the sweep is read from the back of the room: at least body size.
    await app.setTheme('projector');
    const [cellPx, bodyPx] = await page.evaluate(() => [
      parseFloat(getComputedStyle(document.querySelector('[data-testid=sweep-cell]')).fontSize),
      parseFloat(getComputedStyle(document.body).fontSize),
    ]);
    assert.ok(cellPx >= bodyPx, `projector sweep text ${cellPx} px, body ${bodyPx} px`);
    await app.screenshot('experience-sweep-projector');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

// ---- Accessibility: axe-core over the main views, themes and the phone layout -----------------------

const axeSource = () =>
  readFile(createRequire(join(repoRoot, '.tools', 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Opens the app for an axe pass. The page's CSP forbids injected scripts (as it should), so this one
 * context bypasses it; no other test does.
 */
async function openForAxe({ viewport = { width: 1280, height: 720 }, colorScheme = 'light', mobile = false } = {}) {
  const context = await e2e.browser.newContext({
    viewport,
    colorScheme,
    bypassCSP: true,
    reducedMotion: 'reduce',
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(e2e.baseUrl);
  await page.getByTestId('app').waitFor();
  const app = {
    page,
    byTestId: (id) => page.getByTestId(id),
    close: () => context.close(),
    problems,
  };
  return app;
}

/** Serious and critical axe violations on the page now, as readable lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: await axeSource() });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

test('axe finds no serious or critical violation: lab 2 played to the end, three themes, sweep, side by side, phone', async () => {
  const report = {};
  const check = async (name, app) => {
    const v = await axeViolations(app.page);
    report[name] = v;
    await app.page.screenshot({ path: join(repoRoot, 'target', 'e2e', `experience-axe-${name}.png`), fullPage: false });
  };
  // Lab 2 played to the end, in the light theme, then dark (from the system setting), then projector.
  for (const [name, colorScheme, theme] of [['light', 'light', null], ['dark', 'dark', null], ['projector', 'light', 'projector']]) {
    const app = await openForAxe({ colorScheme });
    try {
      if (theme) await app.byTestId('theme-projector').click();
      await app.byTestId('lab-select').selectOption('double-payment');
      await playUntilSettled(app);
      if ((await app.byTestId('show-hint').count()) > 0) await app.byTestId('show-hint').click();
      await check(`lab2-${name}`, app);
      if (name === 'light') {
        await app.byTestId('view-compare').click();
        await app.byTestId('compare-end').click();
        await app.page.locator('[data-testid=compare][data-settled=true]').waitFor({ timeout: 30_000 });
        await check('compare', app);
        await app.byTestId('view-sweep').click();
        await app.byTestId('sweep-run').click();
        await app.page.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 60_000 });
        await check('sweep', app);
      }
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  }
  const phone = await openForAxe({ viewport: { width: 390, height: 844 }, mobile: true });
  try {
    await phone.byTestId('lab-select').selectOption('double-payment');
    await playUntilSettled(phone);
    await check('phone', phone);
  } finally {
    await phone.close();
  }
  const lines = Object.entries(report).flatMap(([name, v]) => v.map((l) => `[${name}] ${l}`));
  console.log(`axe: ${Object.keys(report).length} passes, ${lines.length} serious or critical violations`);
  assert.deepEqual(lines, [], `axe found serious or critical violations:\n${lines.join('\n')}`);
});
