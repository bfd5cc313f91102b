// Beyond the sandbox: the sweep's truth table (checked cell by cell against the native CLI), side by
// side, forking the timeline, real crashes across a reload, workshop mode and exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { e2eSuite, fillAndEnter, integer, repoRoot } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

/** The UI's compact strategy key (data-strategy) for a strategy of the CLI's JSON. */
function strategyKey(s) {
  return [
    s.idempotency ? 'I' : '-',
    s.transactional ? 'T' : '-',
    { after_commit: 'commit', manual_first: 'first', auto: 'auto' }[s.ack_timing],
    s.gateway_key ? 'K' : '-',
    s.record_check === 'check_then_insert' ? 'check' : 'unique',
  ].join(' ');
}

test('the sweep matches the CLI cell by cell, and a cell opens its exact run', async () => {
  const app = await e2e.open();
  try {
    await fillAndEnter(app, 'seed-input', 1);
    await fillAndEnter(app, 'payments', 40);
    await app.byTestId('view-sweep').click();
    assert.equal(await app.byTestId('view-sweep').getAttribute('aria-pressed'), 'true');
    await app.byTestId('sweep-run').click();
    await app.page.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 60_000 });
    const progress = app.byTestId('sweep-progress');
    assert.equal(await progress.getAttribute('value'), '288');
    assert.equal(await progress.getAttribute('max'), '288');
    assert.ok(await progress.getAttribute('aria-label'));
    await app.screenshot('beyond-sweep');

    const cells = await app.page.locator('[data-testid=sweep-cell]').evaluateAll((els) =>
      els.map((e) => ({
        point: e.dataset.crashPoint,
        strategy: e.dataset.strategy,
        verdict: e.dataset.verdict,
        duplicate: Number(e.dataset.duplicate),
        lost: Number(e.dataset.lost),
        orphan: Number(e.dataset.orphan),
        charged_once: Number(e.dataset.chargedOnce),
        text: e.textContent,
      })),
    );
    assert.equal(cells.length, 288);
    const cli = JSON.parse(
      execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'lab', '--', 'sweep', '--seed', '1', '--payments', '40', '--json'], {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
    assert.equal(cli.length, 288);
    for (const row of cli) {
      const key = strategyKey(row.strategy);
      const cell = cells.find((c) => c.point === row.crash_point && c.strategy === key);
      assert.ok(cell, `a cell for ${row.crash_point} × ${key}`);
      const where = `${row.crash_point} × ${key}`;
      assert.equal(cell.verdict, row.verdict, where);
      for (const k of ['duplicate', 'lost', 'orphan', 'charged_once']) assert.equal(cell[k], row.totals[k], `${where}: ${k}`);
      // Not colour alone: the cell says its verdict in words.
      assert.match(cell.text, new RegExp(row.verdict));
    }

    // Open the naive strategy's after-commit cell: the sandbox shows that strategy with the crash armed.
    await app.page.locator('[data-testid=sweep-cell][data-crash-point=after_commit][data-strategy="- - commit - check"]').click();
    assert.equal(await app.byTestId('view-sandbox').getAttribute('aria-pressed'), 'true');
    assert.equal(await app.byTestId('seed-input').inputValue(), '1');
    assert.equal(await app.byTestId('payments').inputValue(), '40');
    assert.equal(await app.byTestId('toggle-idempotency').isChecked(), false);
    assert.equal(await app.byTestId('toggle-transactional').isChecked(), false);
    assert.equal(await app.byTestId('crash-after-commit').getAttribute('data-armed'), 'true');
    const armed = app.page.locator('[data-testid=armed-crash][data-point=after_commit]');
    assert.equal(await armed.count(), 1);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** Simulated milliseconds as the controls show them: 2120215 → `2,120.215 s`. */
function seconds(ms) {
  return `${Math.floor(ms / 1000).toLocaleString('en-US')}.${String(ms % 1000).padStart(3, '0')} s`;
}

test('side by side: the classic pair on the double-payment lab differs exactly by the duplicates', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await app.byTestId('view-compare').click();
    // Lab 2 runs the naive consumer: the classic pair is already on screen, so its button is off.
    assert.equal(await app.byTestId('compare-classic').isDisabled(), true);
    assert.match(await app.byTestId('compare-left').textContent(), /naive/);
    assert.match(await app.byTestId('compare-right').textContent(), /all safeguards/);
    // Lockstep: one step moves both sides to the same time.
    await app.byTestId('compare-step').click();
    await app.byTestId('compare-play').click();
    await app.page.waitForTimeout(300);
    await app.byTestId('compare-play').click();
    await app.byTestId('compare-end').click();
    await app.page.locator('[data-testid=compare][data-settled=true]').waitFor({ timeout: 30_000 });
    const left = await integer(app, 'compare-left-duplicate');
    assert.ok(left > 0, 'the naive side charges some payments twice');
    assert.equal(await integer(app, 'compare-right-duplicate'), 0);
    assert.equal(await integer(app, 'compare-right-lost'), 0);
    const rows = app.page.locator('[data-testid=compare-diff-row]');
    assert.equal(await rows.count(), left, 'only the payments that differ are listed');
    assert.match(await rows.first().textContent(), /Duplicate|duplicate/i);
    assert.match(await app.byTestId('compare-clock').textContent(), /^t = [\d,]+\.\d{3} s of [\d,]+\.\d{3} s$/);
    await app.screenshot('beyond-compare');
    // Another seed in the header: both sides start again from that seed.
    await fillAndEnter(app, 'seed-input', 7);
    assert.match(await app.byTestId('compare-clock').textContent(), /^t = 0\.000 s/);
    assert.match(await app.byTestId('compare').textContent(), /seed 7/);
    await app.byTestId('compare-end').click();
    await app.setTheme('projector');
    await app.screenshot('beyond-compare-projector');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** The event log's rows, oldest first: time, sequence number and text. */
async function eventRows(app) {
  const rows = await app.page.locator('[data-testid=event-row]').evaluateAll((els) =>
    els.map((e) => ({ time: Number(e.dataset.time), seq: Number(e.dataset.seq), text: e.textContent })),
  );
  return rows.sort((a, b) => a.seq - b.seq);
}

test('forking the timeline: the past stays identical, the future changes', async () => {
  const app = await e2e.open();
  try {
    await fillAndEnter(app, 'payments', 5);
    await app.byTestId('speed').press('End');
    await app.byTestId('play').click();
    await app.page.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 20_000 });
    const original = await eventRows(app);
    assert.ok(original.length > 10 && original.length < 200, `the whole log is on screen (${original.length} rows)`);
    const end = original[original.length - 1].time;
    assert.equal(await app.byTestId('clock-end').getAttribute('data-ms'), String(end));
    assert.equal((await app.byTestId('clock-end').textContent()).trim(), `of ${seconds(end)}`);

    // Scrub back to the middle of the run, then crash a consumer there.
    const t = Math.floor(end / 2);
    await app.byTestId('scrub').fill(String(t));
    assert.equal(await app.byTestId('clock').getAttribute('data-ms'), String(t));
    assert.equal(await app.byTestId('clock').textContent(), `t = ${seconds(t)}`);
    assert.equal(await app.byTestId('clock-end').getAttribute('data-ms'), String(end), 'the length stays visible');
    assert.equal(await app.byTestId('fork-note').count(), 1, 'the controls say the run is rewound');
    await app.page.locator('[data-testid=crash-now][data-consumer="0"]').click();
    await app.byTestId('play').click();
    await app.page.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 20_000 });
    const forked = await eventRows(app);

    const before = (rows) => rows.filter((r) => r.time < t);
    assert.ok(before(original).length > 0);
    assert.deepEqual(before(forked), before(original), 'every event before the fork is identical');
    const after = (rows) => rows.filter((r) => r.time >= t).map((r) => r.text);
    assert.notDeepEqual(after(forked), after(original), 'the run diverges after the fork');
    assert.ok(forked.some((r) => r.time >= t && /crash/i.test(r.text)), 'the crash is in the new future');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('real crash mode: reloading mid-payment crashes the consumer and the broker redelivers', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('real-crash').check();
    assert.equal(await app.byTestId('real-crash-bar').count(), 1, 'the mode says what it does');
    assert.match(await app.byTestId('real-crash-bar').textContent(), /2000 payments/);
    // The naive consumer (the sandbox's default): step until a card was charged for a payment whose
    // message is not acknowledged yet.
    let charged;
    for (let i = 0; i < 400 && !charged; i++) {
      await app.byTestId('step').click();
      const kinds = await page.locator('[data-testid=event-row]').evaluateAll((els) =>
        els.map((e) => ({ kind: e.dataset.kind, payment: e.dataset.payment, seq: Number(e.dataset.seq) })),
      );
      const acked = new Set(kinds.filter((k) => k.kind === 'acked').map((k) => k.payment));
      charged = kinds.find((k) => k.kind === 'charged' && !acked.has(k.payment))?.payment;
    }
    assert.ok(charged !== undefined, 'a payment was charged and not acknowledged yet');
    const clock = await app.byTestId('clock').getAttribute('data-ms');
    await page.waitForFunction(
      (t) => localStorage.getItem('redelivery-lab/v1/durable-at') === t && localStorage.getItem('redelivery-lab/v1/durable'),
      clock,
    );

    await page.reload();
    await app.byTestId('app').waitFor();
    const notice = app.byTestId('real-crash-notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /put (it|them) back in the queue/);
    assert.ok(await app.byTestId('real-crash').isChecked(), 'the mode stays on');
    const requeued = page.locator(`[data-testid=event-row][data-kind=requeued][data-payment="${charged}"]`);
    assert.equal(await requeued.count(), 1, 'the broker redelivers the unacknowledged payment');
    await app.screenshot('beyond-real-crash');

    await app.byTestId('speed').press('End');
    await app.byTestId('play').click();
    await page.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 20_000 });
    assert.ok((await integer(app, 'total-duplicate')) >= 1, 'the naive consumer charged the redelivered payment again');
    // The log starts at the recovery (what came before lived in the closed page): the charge in it is the second.
    assert.equal(await page.locator(`[data-testid=event-row][data-kind=charged][data-payment="${charged}"]`).count(), 1);
    assert.ok(await page.locator(`[data-testid=anomaly][data-payment="${charged}"][data-outcome=duplicate]`).count() === 1,
      'the checker flags that payment as charged twice');

    // Reset forgets the saved run; a corrupt saved run is refused with a sentence and the mode goes off.
    await app.byTestId('real-crash-reset').click();
    assert.equal(await page.evaluate(() => localStorage.getItem('redelivery-lab/v1/durable')), null);
    await page.evaluate(() => localStorage.setItem('redelivery-lab/v1/durable', '{"format":1,"oops":true}'));
    await page.reload();
    await app.byTestId('error-banner').waitFor();
    assert.match(await app.byTestId('error-banner').textContent(), /damaged|inconsistent/);
    assert.equal(await app.byTestId('real-crash').isChecked(), false);
    assert.equal(await app.byTestId('real-crash-notice').count(), 0);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('real crash mode: storage that refuses the run switches the mode off with a sentence', async () => {
  const app = await e2e.open();
  try {
    await app.page.evaluate(() => {
      const set = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k, v) {
        if (k.endsWith('/durable')) throw new DOMException('full', 'QuotaExceededError');
        return set.call(this, k, v);
      };
    });
    await app.byTestId('real-crash').check();
    // Nothing is saved at t = 0 (there is nothing to recover yet): step until a save is attempted.
    let shown = false;
    for (let i = 0; i < 6 && !shown; i++) {
      await app.byTestId('step').click();
      shown = await app.byTestId('error-banner').waitFor({ timeout: 2_000 }).then(() => true, () => false);
    }
    assert.ok(shown, 'the refused save shows a banner');
    assert.match(await app.byTestId('error-banner').textContent(), /would not store the run/);
    assert.equal(await app.byTestId('real-crash').isChecked(), false);
    assert.equal(await app.byTestId('step').isEnabled(), true, 'the run goes on');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('workshop mode: presenter view, copy state and goals, and predict before you run', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    // Predict first: the answer waits for the run.
    assert.match(await app.byTestId('prediction-wait').textContent(), /before you press play/);
    await page.locator('[data-testid=prediction-option][data-index="0"]').click();
    assert.equal(await app.byTestId('prediction-verdict').count(), 0, 'no spoiler before the run');
    assert.match(await app.byTestId('prediction-wait').textContent(), /Your prediction/);

    await app.byTestId('presenter').click();
    assert.equal(await app.byTestId('presenter').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'projector');
    assert.equal(await app.byTestId('keymap').locator('kbd').count(), 8, 'every shortcut is on screen');
    await app.screenshot('beyond-presenter');

    await app.byTestId('speed').press('End');
    await app.byTestId('play').click();
    await page.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 20_000 });
    const verdict = await app.byTestId('prediction-verdict').textContent();
    assert.match(verdict, /Right|Not quite/);
    assert.match(verdict, /What the run did: \d+ charged once, [1-9]\d* duplicate/);

    await app.byTestId('copy-state').click();
    const text = await app.byTestId('copy-state-text').inputValue();
    assert.match(text, /double-payment incident/i);
    assert.match(text, /Seed 42/);
    assert.match(text, /strategy: - - commit - check \(naive\)/);
    assert.match(text, /Duplicate: [1-9]/i);
    assert.match(text, /\[pass\] /);
    assert.match(text, /#v2\./, 'the share link is in the text');
    await app.screenshot('beyond-copy-state');

    await app.byTestId('presenter').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? null), null);
    assert.equal(await app.byTestId('keymap').count(), 0);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('exports: the event log as CSV and JSON, and the failure-injection test as a .rs file', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('failure-injection');
    for (let i = 0; i < 30; i++) await app.byTestId('step').click();
    const save = async (testId) => {
      const [download] = await Promise.all([page.waitForEvent('download'), app.byTestId(testId).click()]);
      const path = await download.path();
      return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
    };
    const csv = await save('export-csv');
    assert.match(csv.name, /^redelivery-lab-failure-injection-seed\d+-events\.csv$/);
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'seq,time_ms,kind,payment,consumer,detail');
    const rows = await page.locator('[data-testid=event-row]').count();
    assert.equal(lines.length - 1, rows, 'one line per event on screen');

    const json = await save('export-json');
    assert.match(json.name, /-events\.json$/);
    const events = JSON.parse(json.text);
    assert.equal(events.length, rows);
    assert.deepEqual(Object.keys(events[0]).slice(0, 3), ['seq', 'time_ms', 'kind']);

    const rs = await save('export-test');
    assert.match(rs.name, /-failure-injection\.rs$/);
    assert.match(rs.text, /#\[test\]/);
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
