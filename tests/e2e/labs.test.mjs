// The labs as a learner plays them, at the 1280×720 of a projector: a gamed lab fails with a sentence
// (dead letters, a swapped crash),
// an alternative fix passes, a replay keeps the learner's own actions, the failure-injection grid shows
// the hole, and every lab, once completed, says so without scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, fillAndEnter, playUntilSettled, settled } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

const goal = (app, id) => app.page.locator(`[data-testid=goal][data-goal="${id}"]`);

async function totals(app) {
  const out = {};
  for (const o of ['charged_once', 'duplicate', 'lost', 'orphan', 'dead_lettered', 'pending']) {
    out[o] = Number((await app.byTestId(`total-${o}`).textContent()).trim());
  }
  return out;
}

/** The verdict's box lies inside the 1280×720 viewport, with the page scrolled to the top. */
async function assertVerdictVisible(app, label) {
  await app.page.evaluate(() => window.scrollTo(0, 0));
  const box = await app.byTestId('lab-verdict').boundingBox();
  assert.ok(box, `${label}: the verdict is rendered`);
  assert.ok(box.y >= 0 && box.y + box.height <= 720 && box.x + box.width <= 1280, `${label}: verdict at ${JSON.stringify(box)}`);
}

test('dead-lettering every payment fails the retry storm, with a sentence that says why', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('retry-storm');
    await app.byTestId('retry-policy').selectOption('fixed');
    await settled(app).or(app.byTestId('app')).first().waitFor();
    await fillAndEnter(app, 'max-deliveries', 1);
    await app.byTestId('rate-limit').check();
    await playUntilSettled(app);
    
    assert.equal(await goal(app, 'collected').getAttribute('data-status'), 'fail');
    assert.match(await goal(app, 'collected').locator('[data-testid=goal-why]').textContent(), /in the dead-letter queue, so not collected/);
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'false');
    const verdict = await app.byTestId('lab-verdict-text').textContent();
    assert.match(verdict, /dead-letter queue/);
    // Never an empty goal text ("Still missing: . …"): the browser loads goal texts on demand, so its
    // verdict gives the missing goal's reason alone, and says "not yet" once.
    assert.match(verdict, /Not complete yet: [^.\s]/, verdict);
    assert.doesNotMatch(verdict, /Not yet/i, verdict);
    await assertVerdictVisible(app, 'retry-storm gamed');
    await app.screenshot('labs-retry-storm-dead-lettered');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('lab 2: point at the evidence, then fix it with the gateway key and a commutative ledger write', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await playUntilSettled(app);
    assert.equal(await goal(app, 'reproduce').getAttribute('data-status'), 'pass');
    assert.equal(await goal(app, 'diagnose').getAttribute('data-status'), 'pending');
    // Select a double charge, then answer which signal rose and when.
    await page.locator('[data-testid=anomaly][data-outcome=duplicate] [data-testid=anomaly-causes]').first().click();
    assert.ok((await page.locator('[data-testid=event-row][data-kind=delivered]').count()) >= 2, 'its redelivery is on screen');
    await page.locator('[data-testid=diagnosis-option][data-index="1"]').click();
    assert.equal(await goal(app, 'diagnose').getAttribute('data-status'), 'pass');

    await app.byTestId('toggle-gateway-key').check();
    await settled(app).waitFor();
    await app.byTestId('ledger-write').selectOption('commutative');
    await settled(app).waitFor();
    assert.equal(await app.byTestId('toggle-idempotency').isChecked(), false, 'no processed-record check');
    assert.equal((await totals(app)).duplicate, 0);
    assert.equal(await goal(app, 'fix').getAttribute('data-status'), 'pass');
    assert.equal(await goal(app, 'reproduce').getAttribute('data-achieved'), 'true');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    assert.match(await app.byTestId('lab-verdict-text').textContent(), /^✓ Lab complete/);
    assert.match(await app.byTestId('next-lab').textContent(), /lab 3/);
    await assertVerdictVisible(app, 'double-payment');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('swapping the lab\'s crash for a harmless one fails "Fix it", with a sentence that says why', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    // Disarm the lab's crash after the commit, arm one after receive (where a crash does no harm).
    await page.locator('[data-testid=armed-crash][data-point=after_commit] [data-testid=disarm]').click();
    await page.locator('[data-testid=crash-after-receive][data-consumer="0"]').click();
    await playUntilSettled(app);
    assert.equal((await totals(app)).duplicate, 0, 'a crash after receive charges nobody twice');
    assert.equal(await goal(app, 'fix').getAttribute('data-status'), 'fail');
    assert.match(await goal(app, 'fix').locator('[data-testid=goal-why]').textContent(), /this run does not test the lab's crash/);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('a replay keeps a hand-armed crash; "clear my actions" drops it', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('sandbox');
    await page.locator('[data-testid=crash-after-commit][data-consumer="0"]').click();
    await playUntilSettled(app);
    const first = await totals(app);
    assert.ok(first.duplicate >= 1, 'the hand-armed crash double-charged');
    // Play at the end replays from the start…
    await app.byTestId('play').click();
    await settled(app).waitFor({ timeout: 30_000 });
    assert.deepEqual(await totals(app), first, 'Play at the end replays the same run');
    // …and so does r.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('r');
    assert.equal(await app.byTestId('clock').textContent(), 't = 0.000 s');
    await playUntilSettled(app);
    assert.deepEqual(await totals(app), first, 'r replays the same run');
    await app.byTestId('clear-actions').click();
    assert.equal(await app.byTestId('clock').textContent(), 't = 0.000 s');
    assert.equal(await app.byTestId('clear-actions').count(), 0);
    await playUntilSettled(app);
    assert.equal((await totals(app)).duplicate, 0, 'without the crash nobody is charged twice');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('lab 3: the grid shows the missing gateway key at the after-charge boundary', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('failure-injection');
    await playUntilSettled(app);
    const cell = (boundary, step) => page.locator(`[data-testid=grid-cell][data-boundary=${boundary}][data-step="${step}"]`);
    assert.equal(await page.locator('[data-testid=grid-cell]').count(), 30);
    assert.equal(await cell('after_charge', 5).getAttribute('data-status'), 'fail');
    assert.equal(await cell('after_commit', 5).getAttribute('data-status'), 'pass');
    assert.equal(await cell('after_charge', 4).getAttribute('data-status'), 'pass');
    assert.match(await page.locator('[data-testid=grid-failure]').first().textContent(), /after charge: .*charged 2×/);
    assert.equal(await goal(app, 'hole').getAttribute('data-status'), 'pass');
    await app.byTestId('toggle-gateway-key').check();
    await settled(app).waitFor();
    assert.equal(await cell('after_charge', 5).getAttribute('data-status'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the prediction cannot change once its answer has been shown', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('ack-before-commit');
    await page.locator('[data-testid=prediction-option][data-index="0"]').click();
    await playUntilSettled(app);
    await app.byTestId('prediction-verdict').waitFor();
    assert.ok(await page.locator('[data-testid=prediction-option][data-index="1"]').isDisabled());
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('r');
    assert.ok(await page.locator('[data-testid=prediction-option][data-index="1"]').isDisabled(), 'still locked after a replay');
    assert.equal(await page.locator('[data-testid=prediction-option][data-index="0"]').getAttribute('aria-pressed'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('every lab, completed, shows its verdict without scrolling at 1280×720', async () => {
  const labs = ['first-delivery', 'double-payment', 'failure-injection', 'ack-before-commit', 'side-effect',
    'visibility-timeout', 'retry-storm', 'checklist'];
  const app = await e2e.open();
  const { page } = app;
  try {
    for (const id of labs) {
      await app.byTestId('lab-select').selectOption(id);
      await playUntilSettled(app);
      if (id === 'double-payment') {
        await page.locator('[data-testid=anomaly][data-outcome=duplicate] [data-testid=anomaly-causes]').first().click();
        await page.locator('[data-testid=diagnosis-option][data-index="1"]').click();
      }
      if (id !== 'first-delivery') {
        await app.byTestId('show-solution').click();
        await app.byTestId('confirm-solution').click();
        await app.byTestId('apply-fix').click();
        await settled(app).waitFor({ timeout: 30_000 });
      }
      const verdict = await app.byTestId('lab-verdict-text').textContent();
      assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true', `${id}: ${verdict}`);
      assert.equal(await page.locator('[data-testid=goal][data-achieved=false]').count(), 0, `${id}: every goal achieved`);
      await assertVerdictVisible(app, id);
      await app.screenshot(`labs-complete-${id}`);
    }
    // The picker marks them done, with the mark where a long title cannot cut it off.
    const options = await page.locator('[data-testid=lab-select] option').allTextContents();
    assert.equal(options.filter((o) => o.startsWith('✓ done · ')).length, labs.length, options.join(' | '));
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
