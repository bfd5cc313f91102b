// Issue 13's layout, measured: the on-ramp of a first visit, a first screen that holds the lab's story
// at 1280×720, the presenter view at 1280×720 and 1920×1080, the sweep from the back of a room and on
// a phone, and the phone itself (390×844, touch): story and play controls first, sticky controls,
// targets of 24 × 24 px or more, a lab completed by tapping. Every position is a bounding box in CSS
// pixels with the page scrolled to the top unless the test scrolls it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startE2E, repoRoot, watchProblems, screenshot } from './helpers.mjs';

let e2e;
before(async () => {
  e2e = await startE2E({ viewport: { width: 1280, height: 720 } });
});
after(async () => {
  await e2e?.close();
});

const LABS = ['first-delivery', 'double-payment', 'failure-injection', 'ack-before-commit', 'side-effect', 'visibility-timeout', 'retry-storm', 'checklist'];
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** A fresh context (no storage: a first visit) with the app rendered. `hash`: a share link. */
async function openPage({ viewport = { width: 1280, height: 720 }, hash = '', bypassCSP = false, ...more } = {}) {
  const context = await e2e.browser.newContext({ viewport, reducedMotion: 'reduce', bypassCSP, ...more });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(e2e.baseUrl + (hash ? `#${hash}` : ''));
  await page.getByTestId('app').waitFor();
  return { page, context, problems, byTestId: (id) => page.getByTestId(id), close: () => context.close() };
}

const settled = (app) => app.page.locator('[data-testid=app][data-settled=true]');

async function playUntilSettled(app) {
  await app.byTestId('speed').press('End');
  await app.byTestId('play').click();
  await settled(app).waitFor({ timeout: 60_000 });
}

/** Top and bottom (CSS px, page at the top) of what a lab's first screen must hold. */
async function firstScreen(page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.evaluate(() => {
    const box = (el) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { top: Math.round(r.top), bottom: Math.round(r.bottom) };
    };
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    const outcomes = [...document.querySelectorAll('[data-testid^="total-"]')].map(box);
    return {
      story: box(q('lesson-summary')),
      pipeline: box(q('pipeline')),
      rail: box(q('step-rail')),
      outcomes: { top: Math.min(...outcomes.map((b) => b.top)), bottom: Math.max(...outcomes.map((b) => b.bottom)) },
      verdict: box(q('lab-verdict')),
    };
  });
}

function assertOnFirstScreen(where, boxes, height) {
  for (const part of ['story', 'rail', 'outcomes', 'verdict']) {
    assert.ok(boxes[part], `${where}: the ${part} is on the page`);
    assert.ok(boxes[part].top >= 0 && boxes[part].bottom <= height, `${where}: the ${part} spans ${boxes[part].top}–${boxes[part].bottom}, the screen ${height}`);
  }
}

// ---- 1. The on-ramp ---------------------------------------------------------------------------------

test('a first visit opens on the welcome; free play is one click away; a returning visitor lands where they left off', async () => {
  const app = await openPage();
  const { page } = app;
  try {
    const welcome = app.byTestId('welcome');
    assert.ok(await welcome.isVisible(), 'a first visit shows the welcome');
    assert.equal(await app.byTestId('welcome-lab').count(), 13, 'the path names every lab (8 labs, then the five of issue 15)');
    assert.match(await app.byTestId('welcome-start').textContent(), /^Start lab 1/);
    await screenshot(page, 'layout-welcome-1280');
    // Free play: one click, and the welcome is gone.
    await app.byTestId('welcome-free-play').click();
    assert.equal(await welcome.count(), 0);
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'sandbox');
    // The header brings it back; the keyboard alone starts lab 1.
    await app.byTestId('welcome-open').click();
    await app.byTestId('welcome-start').focus();
    await page.keyboard.press('Enter');
    assert.equal(await welcome.count(), 0, 'starting a lab closes the welcome');
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'first-delivery');
    // Lab 1 done, its step on the path says so.
    await playUntilSettled(app);
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    await app.byTestId('welcome-open').click();
    assert.equal(await page.locator('[data-testid=welcome-lab][data-lab=first-delivery]').getAttribute('data-done'), 'true');
    assert.equal(await page.locator('[data-testid=welcome-lab][data-lab=double-payment]').getAttribute('data-done'), 'false');
    // Picking a lab from the header closes it too: no stale panel over another lab.
    await app.byTestId('lab-select').selectOption('double-payment');
    assert.equal(await welcome.count(), 0);
    // Returning: the same browser, a reload, no welcome, in the lab left last.
    await page.reload();
    await app.byTestId('app').waitFor();
    assert.equal(await welcome.count(), 0, 'a returning visitor sees no welcome');
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'double-payment');
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('a share link opens its run directly, never the welcome, even on a first visit', async () => {
  const source = await openPage();
  let link;
  try {
    await source.byTestId('lab-select').selectOption('double-payment');
    for (let i = 0; i < 5; i++) await source.byTestId('step').click();
    await source.byTestId('share-link').click();
    link = new URL(await source.byTestId('share-url').inputValue()).hash.slice(1);
  } finally {
    await source.close();
  }
  const app = await openPage({ hash: link });
  try {
    assert.equal(await app.byTestId('welcome').count(), 0);
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'double-payment');
    assert.notEqual(await app.byTestId('clock').getAttribute('data-ms'), '0');
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

// ---- 2. The first screen at 1280×720 ------------------------------------------------------------------

test('at 1280×720 every lab keeps its story, pipeline rail, outcomes and verdict on the first screen, at the start and the end', async () => {
  const app = await openPage();
  const report = [];
  try {
    for (const lab of LABS) {
      await app.byTestId('lab-select').selectOption(lab);
      const start = await firstScreen(app.page);
      assertOnFirstScreen(`${lab} at the start`, start, 720);
      await playUntilSettled(app);
      const end = await firstScreen(app.page);
      assertOnFirstScreen(`${lab} at the end`, end, 720);
      report.push(`${lab}: rail ${start.rail.bottom}/${end.rail.bottom}, verdict ${start.verdict.bottom}/${end.verdict.bottom}`);
      await screenshot(app.page, `layout-1280-${lab}`);
    }
    console.log(`first screen, bottoms at start/end (px of 720):\n  ${report.join('\n  ')}`);
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('a long ready queue collapses into "+N more" and the step rail stays on the first screen', async () => {
  const app = await openPage();
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    let ready = 0;
    for (let i = 0; i < 200 && ready < 12; i++) {
      await app.byTestId('step').click();
      ready = Number(await app.byTestId('queue-ready').textContent());
    }
    assert.ok(ready >= 12, `the ready queue grew to ${ready}`);
    const lane = app.byTestId('queue-ready').locator('xpath=ancestor::*[contains(concat(" ", @class, " "), " queue__lane ")][1]');
    const shown = await lane.getByTestId('message-chip').count();
    assert.ok(shown < ready, `${shown} of ${ready} chips are drawn`);
    assert.equal((await lane.getByTestId('queue-more').textContent()).trim(), `+${ready - shown} more`);
    const boxes = await firstScreen(app.page);
    assertOnFirstScreen(`lab 2 with ${ready} ready`, boxes, 720);
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

// ---- 4. Presenter and projector ------------------------------------------------------------------------

for (const [width, height] of [[1280, 720], [1920, 1080]]) {
  test(`presenter view at ${width}×${height}: story, pipeline, outcomes and verdict on the first screen; the key map collapsed`, async () => {
    const app = await openPage({ viewport: { width, height } });
    try {
      await app.byTestId('lab-select').selectOption('double-payment');
      await app.byTestId('presenter').click();
      assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), 'projector');
      for (let i = 0; i < 40; i++) await app.byTestId('step').click();
      const mid = await firstScreen(app.page);
      assertOnFirstScreen(`presenter ${width} mid-run`, mid, height);
      const keymap = await app.byTestId('keymap').boundingBox();
      assert.ok(keymap.height <= 60, `the key map is one line (${keymap.height} px)`);
      assert.equal(await app.byTestId('keymap').evaluate((d) => d.open), false);
      await screenshot(app.page, `layout-presenter-${width}`);
      await playUntilSettled(app);
      const end = await firstScreen(app.page);
      assertOnFirstScreen(`presenter ${width} at the end`, end, height);
      console.log(`presenter ${width}×${height}: verdict bottom ${mid.verdict.bottom}/${end.verdict.bottom}, rail bottom ${mid.rail.bottom}/${end.rail.bottom}, story bottom ${end.story.bottom}`);
      assert.ok((await app.page.evaluate(() => document.documentElement.scrollWidth)) <= width, 'no sideways scroll');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
}

async function runSweep(app) {
  await app.byTestId('view-sweep').click();
  await app.byTestId('sweep-run').click();
  await app.page.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 90_000 });
}

test('the sweep in the projector theme: body-size text, rows in words, legend above, a key-rows filter; a cell says which run it opened and scrolls to it', async () => {
  const app = await openPage({ viewport: { width: 1920, height: 1080 } });
  const { page } = app;
  try {
    await app.byTestId('welcome-free-play').click();
    await app.byTestId('presenter').click();
    const seed = await app.byTestId('seed-input').inputValue();
    await runSweep(app);
    const [cellPx, bodyPx] = await page.evaluate(() => [
      parseFloat(getComputedStyle(document.querySelector('[data-testid=sweep-cell]')).fontSize),
      parseFloat(getComputedStyle(document.body).fontSize),
    ]);
    assert.ok(cellPx >= bodyPx, `sweep text ${cellPx} px, body ${bodyPx} px`);
    const legend = await app.byTestId('sweep-legend').boundingBox();
    const table = await app.byTestId('sweep-table').boundingBox();
    assert.ok(legend.y + legend.height <= table.y, 'the legend is above the table');
    const visibleRows = () => page.locator('[data-testid=sweep-row]:visible').count();
    assert.equal(await visibleRows(), 48);
    await app.byTestId('sweep-key-rows').click();
    assert.equal(await app.byTestId('sweep-key-rows').getAttribute('aria-pressed'), 'true');
    assert.equal(await visibleRows(), 5, 'naive, all safeguards, and all safeguards but one');
    const labels = await page.locator('[data-testid=sweep-row]:visible [data-testid=sweep-row-label]').allTextContents();
    assert.ok(labels.some((l) => /^Naive: /.test(l)) && labels.some((l) => /^All safeguards: /.test(l)), labels.join(' | '));
    for (const l of labels) assert.match(l, /transaction.*ack.*gateway key/, l);
    await screenshot(page, 'layout-sweep-projector-key-rows');
    // Open the naive strategy's after-commit cell from low on the page: the sandbox opens at the top
    // and says which run it is.
    const cell = page.locator('[data-testid=sweep-row]:visible').first().locator('[data-testid=sweep-cell][data-crash-point=after_commit]');
    await cell.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 400));
    await cell.click();
    assert.equal(await app.byTestId('view-sandbox').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page is at the top of the opened run');
    const note = await app.byTestId('sweep-opened').textContent();
    assert.match(note, /Opened from the sweep: no processed check · no transaction · ack after commit · no gateway key; every consumer crashes after the database commit/);
    assert.match(note, new RegExp(`seed ${seed}\\.`));
    // Back to the sweep, and the note goes once the strategy on screen is no longer the cell's.
    await app.byTestId('sweep-back').click();
    assert.equal(await app.byTestId('view-sweep').getAttribute('aria-pressed'), 'true');
    await app.byTestId('view-sandbox').click();
    assert.equal(await app.byTestId('sweep-opened').count(), 1);
    await app.byTestId('toggle-idempotency').click();
    assert.equal(await app.byTestId('sweep-opened').count(), 0, 'the note describes only the run it opened');
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

for (const [width, height, presenter] of [[1280, 720, false], [1920, 1080, true]]) {
  const where = `${presenter ? 'in presenter view ' : ''}at ${width}×${height}`;
  test(`lab 7 ${where}: the story, all four consumers with their rails, the outcomes and the verdict on the first screen, at the start and the end`, async () => {
    const app = await openPage({ viewport: { width, height } });
    try {
      await app.byTestId('lab-select').selectOption('retry-storm');
      if (presenter) await app.byTestId('presenter').click();
      const check = async (when) => {
        const boxes = await app.page.evaluate(() => {
          const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
          return {
            story: box(document.querySelector('[data-testid=lesson-summary]')),
            verdict: box(document.querySelector('[data-testid=lab-verdict]')),
            outcomes: box(document.querySelector('.totals')),
            rails: [...document.querySelectorAll('[data-testid=step-rail]')].map(box),
          };
        });
        console.log(`lab 7 ${where} ${when}: rails end at ${boxes.rails.map((r) => Math.round(r.bottom)).join(', ')}`);
        assert.equal(boxes.rails.length, 4, 'four consumers, four rails');
        for (const [name, b] of Object.entries({ ...boxes, rails: undefined }).filter(([, b]) => b)) {
          assert.ok(b.top >= 0 && b.bottom <= height, `${when}: ${name} is on the first screen (${Math.round(b.top)}–${Math.round(b.bottom)})`);
        }
        boxes.rails.forEach((r, i) => assert.ok(r.top >= 0 && r.bottom <= height, `${when}: consumer ${i + 1}'s rail is on the first screen (bottom ${Math.round(r.bottom)})`));
      };
      await check('start');
      await playUntilSettled(app);
      await app.page.evaluate(() => window.scrollTo(0, 0));
      await check('end');
      await screenshot(app.page, `layout-lab7-${width}${presenter ? '-presenter' : ''}`);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
}

// ---- 5. The phone --------------------------------------------------------------------------------------

/** Every visible interactive element smaller than 24 × 24 px, as `testid WxH`. */
const smallTargets = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex="0"]')]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden' && (r.width < 24 || r.height < 24);
      })
      .map((e) => `${e.dataset.testid ?? e.tagName.toLowerCase()} ${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`),
  );

test('phone (390×844, touch): the story and the play controls first, controls sticky, targets of 24 px, no sideways scroll; lab 1 completed by tapping', async () => {
  const app = await openPage(PHONE);
  const { page } = app;
  try {
    await app.byTestId('welcome-start').tap();
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'first-delivery');
    const story = await app.byTestId('lesson-summary').boundingBox();
    const play = await app.byTestId('play').boundingBox();
    const pipeline = await app.byTestId('pipeline').boundingBox();
    const strategy = await app.byTestId('strategy').boundingBox();
    console.log(`phone: play at y ${Math.round(play.y)}, story at y ${Math.round(story.y)}, pipeline at y ${Math.round(pipeline.y)}`);
    assert.ok(play.y + play.height <= 844, `Play is on the first screen (y ${play.y})`);
    assert.ok(story.y + story.height <= 844, `the story is on the first screen (y ${story.y})`);
    assert.ok(story.y < pipeline.y, 'the story comes before the pipeline');
    if (strategy) assert.ok(story.y < strategy.y, 'the story comes before the strategy');
    // Right after the story and the prediction: the pipeline, before the goals, the hints and the stores.
    const prediction = await app.byTestId('prediction').boundingBox();
    const goals = await app.byTestId('goal').first().boundingBox();
    const database = await page.locator('#panel-stores').boundingBox();
    assert.ok(prediction.y < pipeline.y && pipeline.y < goals.y, `the pipeline follows the prediction and comes before the goals (${Math.round(pipeline.y)})`);
    if (database) assert.ok(pipeline.y < database.y, 'the pipeline comes before the database');
    assert.ok(pipeline.y <= 2 * 844, `the pipeline starts within two screens (y ${Math.round(pipeline.y)})`);
    assert.deepEqual(await smallTargets(page), [], 'every target is at least 24 × 24 px');
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scroll');
    await screenshot(page, 'layout-phone-lab1-top');
    // Scrolled far down, Play is still on screen.
    await page.evaluate(() => window.scrollTo(0, 2500));
    const scrolled = await app.byTestId('play').boundingBox();
    assert.ok(scrolled.y >= 0 && scrolled.y + scrolled.height <= 844, `Play stays reachable while scrolling (y ${scrolled.y})`);
    await page.screenshot({ path: join(repoRoot, 'target', 'e2e', 'layout-phone-scrolled.png') });
    // The lab, by tapping only: the prediction, then Play from wherever the page is.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('[data-testid=prediction-option][data-index="0"]').tap();
    await page.evaluate(() => window.scrollTo(0, 1500));
    await app.byTestId('play').tap();
    await settled(app).waitFor({ timeout: 60_000 });
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true', 'lab 1 is complete');
    assert.match(await app.byTestId('prediction-verdict').textContent(), /Right/);
    assert.deepEqual(await smallTargets(page), [], 'every target is at least 24 × 24 px after the run');
    await screenshot(page, 'layout-phone-lab1-done');
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('phone: lab 2 after a run has no target under 24 px; the sweep reads without a sideways swipe', async () => {
  const app = await openPage(PHONE);
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await playUntilSettled(app);
    assert.deepEqual(await smallTargets(page), [], 'lab 2: every target is at least 24 × 24 px');
    await runSweep(app);
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      table: document.querySelector('[data-testid=sweep-table]').getBoundingClientRect().right,
      scroll: (() => { const s = document.querySelector('[data-testid=sweep-table]').parentElement; return [s.scrollWidth, s.clientWidth]; })(),
    }));
    assert.ok(widths.doc <= 390 && widths.table <= 390, `the sweep fits the phone: ${JSON.stringify(widths)}`);
    assert.ok(widths.scroll[0] <= widths.scroll[1], `its box does not scroll sideways: ${widths.scroll}`);
    const cell = page.locator('[data-testid=sweep-cell]').first();
    assert.match(await cell.textContent(), /^crash after receive: /, 'each stacked cell names its column');
    assert.deepEqual(await smallTargets(page), [], 'sweep: every target is at least 24 × 24 px');
    await page.screenshot({ path: join(repoRoot, 'target', 'e2e', 'layout-phone-sweep.png') });
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('phone: every section of the page is the column\'s width, also the ones skipped while off screen', async () => {
  const app = await openPage(PHONE);
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await page.evaluate(() => window.scrollTo(0, 0));
    // Before: the phone column kept the desktop grid's align-items: start, so each section took its
    // content's width: the outcomes 327 px beside a 358 px pipeline, and the off-screen (skipped,
    // content-visibility) strategy and charts their contain-intrinsic-size, 500 and 640 px, past the
    // screen's edge and cut off by the page's overflow clip.
    const rights = await page.evaluate(() => ['lab-verdict', 'pipeline'].map((id) => Math.round(document.querySelector(`[data-testid=${id}]`).getBoundingClientRect().right))
      .concat(Math.round(document.querySelector('.totals').getBoundingClientRect().right)));
    assert.deepEqual(rights, [rights[0], rights[0], rights[0]], `the verdict, the pipeline and the outcomes end at the same edge: ${rights}`);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('.app__body > *, .app__body > * > *')]
        .map((el) => ({ what: `${el.className} [${el.dataset.testid ?? ''}]`, right: Math.round(el.getBoundingClientRect().right) }))
        .filter((b) => b.right > 390));
    assert.deepEqual(wide, [], 'no section sticks out of the 390 px screen');
    const main = await page.evaluate(() => [document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth]);
    assert.ok(main[0] <= main[1], `nothing is clipped sideways: main is ${main[0]} px wide in ${main[1]} px`);
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('the clock\'s box holds "t = 999.999 s of 999.999 s": the controls do not move as lab 7\'s clock passes 100 s (1280×720, presenter at 1920×1080); the projector\'s checkbox is at its type size', async () => {
  for (const [name, options, presenter] of [['1280', {}, false], ['1920-presenter', { viewport: { width: 1920, height: 1080 } }, true]]) {
    const app = await openPage(options);
    const { page } = app;
    try {
      await app.byTestId('lab-select').selectOption('retry-storm');
      if (presenter) await app.byTestId('presenter').click();
      const measure = () => page.evaluate(() => {
        const clock = document.querySelector('.controls__clock');
        return { text: clock.textContent, width: Math.round(clock.getBoundingClientRect().width), speed: Math.round(document.querySelector('.controls__speed').getBoundingClientRect().left) };
      });
      const start = await measure();
      await playUntilSettled(app);
      const end = await measure();
      // Before: min-width 24ch, two characters short of "t = 229.585 s of 229.585 s": past 100 s the
      // clock grew and pushed the speed control along while the run played.
      assert.match(end.text, /^t = \d{3}\.\d{3} s of \d{3}\.\d{3} s$/);
      assert.deepEqual(end, { ...start, text: end.text }, `${name}: the clock's box and the speed control stay put (${JSON.stringify(start)} → ${JSON.stringify(end)})`);
      if (presenter) {
        // Before: the real crash mode box stayed the browser's 13 px beside the projector's 20 px text.
        const box = await app.byTestId('real-crash').boundingBox();
        assert.ok(box.height >= 20 && box.width >= 20, `the real crash mode checkbox is ${box.width}×${box.height} px in the projector theme`);
      }
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  }
});

test('side by side: every outcome label fits its column at 1280×720, 1920×1080 in the projector theme and on a phone', async () => {
  const found = {};
  for (const [name, options, projector] of [['1280', {}, false], ['1920-projector', { viewport: { width: 1920, height: 1080 } }, true], ['phone', PHONE, false]]) {
    const app = await openPage(options);
    const { page } = app;
    try {
      await app.byTestId('lab-select').selectOption('double-payment');
      if (projector) await app.byTestId('theme-projector').click();
      await app.byTestId('view-compare').click();
      await app.byTestId('compare-end').click();
      // Before: six columns per side, "✓ charged once" 108 px in a 91 px column, over "‼ duplicate".
      found[name] = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid^=compare-][data-testid$=-totals] .stat')].flatMap((stat) => {
          const label = stat.querySelector('.stat__label');
          return label.scrollWidth > label.clientWidth + 0.5 || label.getBoundingClientRect().right > stat.getBoundingClientRect().right + 0.5
            ? [`${label.textContent}: ${label.scrollWidth} px in ${label.clientWidth} px`]
            : [];
        }));
      assert.equal(await page.locator('[data-testid^=compare-][data-testid$=-totals] .stat').count(), 12);
      await screenshot(page, `layout-compare-${name}`);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  }
  assert.deepEqual(found, { 1280: [], '1920-projector': [], phone: [] });
});

// ---- Accessibility of the new parts ---------------------------------------------------------------

const axeSource = () =>
  readFile(createRequire(join(repoRoot, '.tools', 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

test('axe: no serious or critical violation on the welcome (desktop and phone) or the phone sweep', async () => {
  const report = {};
  for (const [name, options] of [['welcome-1280', {}], ['welcome-phone', PHONE]]) {
    const app = await openPage({ ...options, bypassCSP: true });
    try {
      await app.page.addScriptTag({ content: await axeSource() });
      const check = async (label) => {
        const results = await app.page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        report[label] = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
      };
      await check(name);
      if (name === 'welcome-phone') {
        await runSweep(app);
        await check('sweep-phone');
      }
    } finally {
      await app.close();
    }
  }
  for (const [name, v] of Object.entries(report)) assert.deepEqual(v, [], `${name}: ${v.join('\n')}`);
});
