// The sandbox UI on the built site, driven like a learner and a workshop trainer: labs and their goals,
// share links (good and forged), saved settings (good and corrupt), the keyboard, the strategy panel,
// the event log, and a layout that fits a 1280×720 projector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, integer, playUntilSettled, settled } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

async function goalStatus(app, goal) {
  return app.page.locator(`[data-testid=goal][data-goal="${goal}"]`).getAttribute('data-status');
}

test('the double-payment lab: reproduce, diagnose, then fix on the same seed', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'double-payment');
    assert.equal(await app.byTestId('seed-input').inputValue(), '42');
    assert.equal(await app.page.getByTestId('goal').count(), 3);
    assert.equal(await goalStatus(app, 'reproduce'), 'pending');
    // The lab's script arms the crash before anything runs, and the rail shows it.
    assert.equal(await app.byTestId('crash-after-commit').getAttribute('data-armed'), 'true');

    await playUntilSettled(app);
    assert.ok((await integer(app, 'total-duplicate')) >= 1);
    assert.equal(await goalStatus(app, 'reproduce'), 'pass');
    // Diagnosis needs the learner to point at the evidence (tests/e2e/labs.test.mjs drives it).
    assert.equal(await goalStatus(app, 'diagnose'), 'pending');
    // The fix goal is judged on this run, which still double-charges; it says so and reads "not yet".
    assert.equal(await goalStatus(app, 'fix'), 'fail');
    assert.match(await app.page.locator('[data-testid=goal][data-goal="fix"] [data-testid=goal-why]').textContent(), /charged or recorded twice/);
    assert.ok((await integer(app, 'signal-redeliveries')) >= 1, 'the dashboard shows the redelivery spike');
    for (const chart of ['chart-redeliveries', 'chart-duplicates', 'chart-queue-depth', 'chart-dead-letter', 'chart-latency']) {
      const svg = app.byTestId(chart).locator('svg[role=img]');
      assert.equal(await svg.count(), 1, `${chart} is an SVG image`);
      assert.ok((await svg.locator(':scope > title').textContent()).length > 0, `${chart} has a title`);
      assert.ok((await app.byTestId(chart).locator('table').count()) === 1, `${chart} has a data table`);
    }

    await app.byTestId('show-hint').click();
    assert.equal(await app.byTestId('hint').count(), 1);
    await app.byTestId('show-solution').click();
    assert.equal(await app.byTestId('solution').count(), 0, 'the solution waits for a confirmation');
    await app.byTestId('confirm-solution').click();
    assert.equal(await app.byTestId('solution').count(), 1);
    // Fix it the way a learner would: the processed-payment check (it brings the transaction along).
    await app.byTestId('toggle-idempotency').check();
    await settled(app).waitFor();
    assert.ok(await app.byTestId('toggle-idempotency').isChecked());
    assert.ok(await app.byTestId('toggle-transactional').isChecked());
    assert.equal(await integer(app, 'total-duplicate'), 0);
    assert.equal(await goalStatus(app, 'fix'), 'pass');
    assert.equal(
      await app.page.locator('[data-testid=goal][data-goal="reproduce"]').getAttribute('data-achieved'),
      'true',
      'a goal passed in the earlier run stays achieved',
    );
    await app.screenshot('sandbox-double-payment-fixed');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('a share link reproduces the exact run, and a forged one shows one clear message', async () => {
  const app = await e2e.open();
  let hash;
  let duplicates;
  try {
    await app.byTestId('crash-after-charge').click();
    await playUntilSettled(app);
    duplicates = await integer(app, 'total-duplicate');
    assert.ok(duplicates >= 1);
    await app.byTestId('share-link').click();
    hash = await app.page.evaluate(() => location.hash);
    assert.match(hash, /^#v2\./, 'the run is in the address bar');
    assert.ok((await app.byTestId('share-url').inputValue()).endsWith(hash));
    app.assertNoProblems();
  } finally {
    await app.close();
  }

  const again = await e2e.open({ hash });
  try {
    assert.equal(await integer(again, 'total-duplicate'), duplicates, 'same seed, same crash, same result');
    assert.equal(await again.byTestId('crash-after-charge').getAttribute('data-armed'), 'false', 'the crash already fired');
    assert.equal(await again.byTestId('error-banner').count(), 0);
    again.assertNoProblems();
  } finally {
    await again.close();
  }

  const forged = hash.slice(0, -3) + (hash.endsWith('A') ? 'BBB' : 'AAA');
  for (const bad of [forged, '#v1.' + 'x'.repeat(10), '#v9.abc', '#hello%20world']) {
    const broken = await e2e.open({ hash: bad });
    try {
      const banner = broken.byTestId('error-banner');
      assert.ok(await banner.isVisible(), `a banner for ${bad}`);
      assert.match(await banner.textContent(), /link/i);
      assert.equal(await broken.page.getByRole('alert').count(), 1, 'one message, not a pile');
      await broken.byTestId('step').click();
      assert.notEqual(await broken.byTestId('clock').getAttribute('data-ms'), '0', 'the app still works');
      broken.assertNoProblems();
    } finally {
      await broken.close();
    }
  }
});

test('settings are remembered, and a corrupt store gives a message and the defaults', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('ack-before-commit');
    await app.byTestId('theme-projector').click();
    assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), 'projector');
    await app.page.reload();
    await app.byTestId('app').waitFor();
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'ack-before-commit');
    assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), 'projector');
    const width = await app.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 1280, `the projector theme fits too (scrollWidth ${width})`);

    await app.page.evaluate(() => localStorage.setItem('redelivery-lab/v2', '{"settings": nonsense'));
    await app.page.reload();
    await app.byTestId('app').waitFor();
    assert.match(await app.byTestId('error-banner').textContent(), /saved settings/);
    assert.equal(await app.byTestId('app').getAttribute('data-lab'), 'sandbox');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('a trainer drives it from the keyboard', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('.');
    const after1 = await app.byTestId('clock').textContent();
    assert.notEqual(after1, 't = 0.000 s', '. steps');
    await page.keyboard.press('PageDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('Space');
    assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'true', 'space plays');
    await page.keyboard.press('Space');
    assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'false', 'space pauses');
    await page.keyboard.press('c');
    await page.locator('[data-testid=consumer].consumer--down').waitFor();
    assert.match(await app.byTestId('announcer').textContent(), /crashed/, 'the live region says what happened');
    await page.keyboard.press('?');
    assert.ok(await app.byTestId('help').isVisible());
    await page.keyboard.press('Escape');
    assert.equal(await app.byTestId('help').count(), 0);
    await page.keyboard.press('r');
    assert.equal(await app.byTestId('clock').textContent(), 't = 0.000 s', 'r resets');
    // Keys typed into a field belong to the field.
    await app.byTestId('seed-input').fill('123');
    assert.equal(await app.byTestId('clock').textContent(), 't = 0.000 s');
    await app.byTestId('seed-input').press('Enter');
    assert.equal(await app.byTestId('seed-input').inputValue(), '123');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('every boundary of every consumer has a crash button, and every toggle is labelled', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('consumers').fill('2');
    await app.byTestId('consumers').press('Enter');
    await page.locator('[data-testid=consumer][data-consumer="1"]').waitFor();
    for (const point of ['after-receive', 'after-check', 'after-charge', 'after-ledger-write', 'after-commit', 'after-ack']) {
      for (const consumer of ['0', '1']) {
        assert.equal(await page.locator(`[data-testid=crash-${point}][data-consumer="${consumer}"]`).count(), 1, `crash-${point} for consumer ${consumer}`);
      }
    }
    await page.locator('[data-testid=crash-after-check][data-consumer="1"]').click();
    assert.equal(await app.byTestId('armed-crash').count(), 1);
    assert.equal(await app.byTestId('armed-crash').getAttribute('data-consumer'), '1');
    for (const id of ['toggle-idempotency', 'toggle-transactional', 'toggle-gateway-key', 'rate-limit']) {
      assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `${id} has a label`);
      assert.equal(await app.byTestId(id).getAttribute('type'), 'checkbox');
    }
    for (const id of ['ack-timing', 'record-check', 'ledger-write', 'redelivery-mode', 'retry-policy', 'max-deliveries', 'consumers', 'prefetch', 'gateway-failure', 'gateway-slow', 'lost-ack']) {
      assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `${id} has a label`);
    }
    await app.byTestId('redelivery-mode').selectOption('visibility_timeout');
    assert.equal(await app.byTestId('visibility-timeout').inputValue(), '45');
    await app.byTestId('retry-policy').selectOption('exponential');
    assert.ok(await app.byTestId('retry-cap').isVisible());
    await app.byTestId('toggle-gateway-key').check();
    assert.ok(await app.byTestId('toggle-gateway-key').isChecked());
    await app.screenshot('sandbox-two-consumers');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the event log filters, and each anomaly links to its cause events', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('crash-after-commit').click();
    await playUntilSettled(app);
    const anomaly = app.byTestId('anomaly').first();
    const payment = await anomaly.getAttribute('data-payment');
    await anomaly.getByTestId('anomaly-causes').click();
    const rows = page.getByTestId('event-row');
    assert.ok((await rows.count()) > 0);
    for (const p of await rows.evaluateAll((els) => els.map((e) => e.dataset.payment))) {
      assert.equal(p, payment, 'only the anomaly’s payment is listed');
    }
    assert.ok((await page.locator('[data-testid=event-row].event--cause').count()) >= 2, 'its causes are marked');
    await app.byTestId('event-filter-clear').click();
    await app.byTestId('event-filter-kind').selectOption('crashed');
    assert.deepEqual(await rows.evaluateAll((els) => [...new Set(els.map((e) => e.dataset.kind))]), ['crashed']);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the layout fits 1280×720 without horizontal scrolling', async () => {
  const app = await e2e.open();
  try {
    for (const lab of ['sandbox', 'checklist', 'retry-storm']) {
      await app.byTestId('lab-select').selectOption(lab);
      await playUntilSettled(app);
      const width = await app.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 1280, `${lab}: scrollWidth ${width}`);
      await app.screenshot(`layout-${lab}`);
    }
    assert.equal(await app.byTestId('checklist-item').count(), 0, 'the checklist belongs to its lab');
    await app.byTestId('lab-select').selectOption('checklist');
    assert.equal(await app.byTestId('checklist-item').count(), 6);
    assert.match(await app.byTestId('readiness').textContent(), /^\d\/6$/);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
