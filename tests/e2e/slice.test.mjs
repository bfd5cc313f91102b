// The first vertical slice, as a learner does it on the built site: arm a crash after the commit,
// play until every payment settles, find the duplicate charge; then switch the processed-payment check
// on and see the rerun of the same seed charge nobody twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, integer, playUntilSettled as play } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

const totalDuplicate = (app) => integer(app, 'total-duplicate');

async function playUntilSettled(app) {
  await play(app, { timeout: 20_000 });
  assert.equal(await app.byTestId('app').getAttribute('data-playing'), 'false', 'playing stops once settled');
}

test('a crash after the commit charges twice until the processed-payment check is on', async () => {
  const app = await e2e.open();
  try {
    assert.equal(await totalDuplicate(app), 0);
    const crash = app.byTestId('crash-after-commit');
    await crash.click();
    assert.equal(await crash.getAttribute('aria-pressed'), 'true', 'the armed crash is visible');

    await playUntilSettled(app);
    assert.ok((await totalDuplicate(app)) >= 1, 'someone was charged twice');
    const duplicate = app.page.locator('[data-testid=charge-row][data-duplicate=true]').first();
    assert.ok(await duplicate.isVisible(), 'the duplicate charge row is on screen');
    assert.match(await duplicate.textContent(), /duplicate/, 'marked in words, not colour alone');
    const payment = await duplicate.getAttribute('data-payment');
    assert.equal(
      await app.page.locator(`[data-testid=charge-row][data-payment="${payment}"]`).count(),
      2,
      'the duplicated payment has two charge rows',
    );
    await app.screenshot('slice-duplicate');

    await app.page.getByLabel('Durable processed-payment check').check();
    assert.ok(await app.byTestId('toggle-idempotency').isChecked());
    await app.page.locator('[data-testid=app][data-settled=true]').waitFor();
    assert.equal(await totalDuplicate(app), 0, 'the rerun of the same seed charged nobody twice');
    assert.equal(await app.page.locator('[data-testid=charge-row][data-duplicate=true]').count(), 0);
    await app.screenshot('slice-idempotent');

    const width = await app.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 1280, `no horizontal scroll at 1280×720 (scrollWidth ${width})`);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
