// Issue 13 item 11, the behaviour behind the phone's frame figure (tests/bench/phone.mjs measures the
// figure itself): while a lab plays, a panel off screen keeps the picture it had and costs no frame; a
// panel the reader scrolls to follows the run from then on; and once the run ends every panel catches up
// with it, one part per animation frame, until the page says it has drawn everything (data-settled).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, settled } from './helpers.mjs';

const suite = e2eSuite({ viewport: { width: 390, height: 844 } });

/** What the producer line says ("… 3 of 20 sent"): the pipeline's picture of the run. */
const sent = (app) => app.byTestId('producer').textContent().then((t) => Number(t.match(/(\d+) of \d+ sent/)[1]));

test('phone: a panel off screen stays still during a play, follows it once scrolled to, and every panel catches up at the end', async () => {
  const app = await suite.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await page.waitForSelector('[data-testid=app][data-lab=double-payment]');
    const before = await sent(app);
    const box = await app.byTestId('pipeline').boundingBox();
    assert.ok(box.y > 844, `the pipeline starts below the first screen (y ${Math.round(box.y)})`);
    // The lab's own speed (a quarter of real time) leaves seconds of play to look at.
    await app.byTestId('play').click();
    await page.waitForFunction(() => Number(document.querySelector('#scrub').value) >= 300);
    assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'true');
    assert.equal(await sent(app), before, 'the pipeline off screen still shows the run as it was when play started');
    // Scrolled to, it follows the run while it still plays.
    await page.evaluate(() => document.getElementById('panel-pipeline').scrollIntoView());
    await page.waitForFunction((n) => {
      const m = document.querySelector('[data-testid=producer]').textContent.match(/(\d+) of \d+ sent/);
      return Number(m[1]) > n;
    }, before, { timeout: 5_000 });
    assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'true', 'it caught up while the run was still playing');
    // To the end at top speed: every panel draws the finished run.
    await app.byTestId('speed').press('End');
    await settled(app).waitFor({ timeout: 30_000 });
    assert.equal(await sent(app), 20);
    const events = Number(await app.byTestId('app').getAttribute('data-events'));
    const rows = await app.byTestId('event-row').count();
    assert.equal(rows, Math.min(events, 200), 'the event log lists every event of the finished run (at most 200)');
    const tables = await page.locator('.chart__table tbody').evaluateAll((t) => t.map((b) => b.children.length));
    assert.ok(tables.length >= 7 && tables.every((n) => n > 0), `every chart's data table has its rows: ${tables}`);
    const duplicate = await app.byTestId('total-duplicate').textContent();
    assert.ok(Number(duplicate) > 0, 'the totals show the lab\'s duplicate');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/**
 * Plays checklist `width` px wide and answers each batch of DOM changes during the play (one task's or
 * one animation frame's drawing): which of the panels that follow a run it touched, and whether it
 * moved the clock (a play tick).
 */
async function playBatches(app, width) {
  const { page } = app;
  await page.setViewportSize({ width, height: width < 640 ? 844 : 720 });
  await app.byTestId('lab-select').selectOption('checklist');
  await page.waitForSelector('[data-testid=app][data-lab=checklist]');
  await page.evaluate(() => {
    const ids = ['lesson-goals', 'panel-verdict', 'panel-totals', 'pipeline-queue', 'pipeline-consumers', 'panel-pipeline', 'panel-stores'];
    const app = document.querySelector('[data-testid=app]');
    window.batches = [];
    new MutationObserver((records) => {
      if (app.dataset.playing !== 'true') return;
      const panels = new Set();
      let clock = false;
      for (const r of records) {
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (el.closest('[data-testid=clock]')) clock = true;
        const panel = el.closest(ids.map((id) => `#${id}`).join(','));
        if (panel) panels.add(panel.id);
      }
      window.batches.push({ clock, panels: [...panels] });
    }).observe(app, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await app.byTestId('play').click();
  await page.waitForFunction(() => window.batches.filter((b) => b.clock).length >= 8, null, { timeout: 30_000 });
  await app.byTestId('play').click();
  const batches = await page.evaluate(() => window.batches);
  const ticks = batches.filter((b) => b.clock);
  assert.ok(ticks.every((b) => b.panels.length === 0), `a tick's drawing touched no panel: ${JSON.stringify(ticks)}`);
  const parts = batches.filter((b) => !b.clock && b.panels.length > 0);
  const followed = new Set(parts.flatMap((b) => b.panels));
  assert.ok(followed.has('panel-totals') && followed.has('panel-pipeline'), `the outcomes and the producer on screen followed the run: ${[...followed]}`);
  assert.ok(!followed.has('panel-stores'), 'the stores, off screen, did not');
  return parts;
}

test('phone: a play tick draws the clock alone; the panels on screen follow in the frames after it, one per frame', async () => {
  const app = await suite.open();
  try {
    const parts = await playBatches(app, 390);
    assert.ok(parts.every((b) => b.panels.length === 1), `one panel per frame: ${JSON.stringify(parts)}`);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('1280x720: a play tick draws the clock alone; the panels on screen follow it together, in the next frame', async () => {
  const app = await suite.open();
  try {
    const parts = await playBatches(app, 1280);
    assert.ok(parts.some((b) => b.panels.length > 1), JSON.stringify(parts));
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** How many rows the stores and the log show. */
const rowCounts = (page) => page.evaluate(() => Object.fromEntries(['ledger-row', 'charge-row', 'anomaly', 'event-row']
  .map((t) => [t, document.querySelectorAll(`[data-testid=${t}]`).length])));

test('phone: the stores and the log, drawn in parts after a run, end with the rows a whole redraw shows', async () => {
  const app = await suite.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('checklist');
    await page.waitForSelector('[data-testid=app][data-lab=checklist]');
    await app.byTestId('speed').press('End');
    await app.byTestId('play').click();
    await page.waitForSelector('[data-testid=app][data-playing=false][data-settled=true]', { timeout: 30_000 });
    const parted = await rowCounts(page);
    // More than two of the stores' parts draw (24 ledger rows, 30 charges) and than a first part of
    // anomalies (5), so the later parts were needed.
    assert.ok(parted['ledger-row'] > 24 && parted['charge-row'] > 30 && parted.anomaly > 5, JSON.stringify(parted));
    // A step back and forth draws every panel whole, at once, at the same moment of the run.
    await app.byTestId('step-back').click();
    await app.byTestId('step').click();
    await settled(app).waitFor();
    assert.deepEqual(await rowCounts(page), parted);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('phone: the log\'s payment filter keeps what is typed while the run plays and the log follows it', async () => {
  const app = await suite.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await page.waitForSelector('[data-testid=app][data-lab=double-payment]');
    await page.evaluate(() => document.getElementById('panel-log').scrollIntoView());
    await app.byTestId('play').click();
    const filter = app.byTestId('event-filter-payment');
    // Slower than the play ticks: the log on screen redraws between the keys.
    await filter.pressSequentially('12', { delay: 300 });
    assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'true', 'typed while the run played');
    assert.equal(await filter.inputValue(), '12');
    await page.waitForSelector('[data-testid=event-row]', { timeout: 30_000 });
    assert.equal(await filter.inputValue(), '12');
    const payments = await app.byTestId('event-row').evaluateAll((rows) => rows.map((r) => r.dataset.payment));
    assert.ok(payments.length > 0 && payments.every((p) => p === '12'), `only payment 12's events: ${payments}`);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
