// The labs of issue 15, played as a learner plays them at 1280×720: the lab as shipped shows its
// harm, a cheat that makes the harm disappear without fixing the consumer fails with its sentence,
// and the fix passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, fillAndEnter, playUntilSettled, settled } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 720 } });

const goal = (app, id) => app.page.locator(`[data-testid=goal][data-goal="${id}"]`);
const status = (app, id) => goal(app, id).getAttribute('data-status');
const why = (app, id) => goal(app, id).locator('[data-testid=goal-why]').textContent();
const duplicates = async (app) => Number((await app.byTestId('total-duplicate').textContent()).trim());

test('the key the gateway forgot: a late redelivery double-charges; a quick restart hides it; the processed record fixes it', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('expired-key');
    await playUntilSettled(app);
    assert.equal(await status(app, 'late-charge'), 'pass');
    assert.ok((await duplicates(app)) >= 1, 'charged twice although the key was sent');
    assert.equal(await status(app, 'fix'), 'fail');

    // The cheat: a consumer back within a second redelivers while the gateway still knows the key.
    await fillAndEnter(app, 'restart-delay', 1000);
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0, 'the harm is gone from this run');
    assert.equal(await status(app, 'fix'), 'fail');
    assert.match(await why(app, 'fix'), /No redelivery arrived after the gateway had forgotten/);

    await fillAndEnter(app, 'restart-delay', 3000);
    await settled(app).waitFor();
    await app.byTestId('toggle-idempotency').check();
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0);
    assert.equal(await status(app, 'fix'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the business key: a republished payment is charged twice when keyed on the message id; no republish proves nothing; the payment id fixes it', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await app.byTestId('lab-select').selectOption('business-key');
    await playUntilSettled(app);
    assert.equal(await status(app, 'two-messages'), 'pass');
    assert.equal(await status(app, 'charged-twice'), 'pass');
    assert.equal(await status(app, 'fix'), 'fail');

    // The cheat: a producer that never loses a confirm publishes each payment once.
    await page.locator('summary', { hasText: 'Producer' }).click();
    await fillAndEnter(app, 'producer-lost-confirms', 0);
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0, 'the harm is gone from this run');
    assert.equal(await status(app, 'fix'), 'fail');
    assert.match(await why(app, 'fix'), /No payment reached the consumer as two messages/);

    await fillAndEnter(app, 'producer-lost-confirms', 200);
    await settled(app).waitFor();
    await app.byTestId('keyed-on').selectOption('payment');
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0);
    assert.equal(await status(app, 'fix'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('a duplicate with no failure: the SQS standard queue double-charges; a FIFO queue hides it; the processed record fixes it', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('sqs-duplicate');
    await playUntilSettled(app, { timeout: 60_000 });
    assert.equal(await status(app, 'no-failure'), 'pass');
    assert.equal(await status(app, 'fix'), 'fail');

    // The cheat: a FIFO queue never delivers a standard queue's stray copy.
    await app.byTestId('sqs-fifo').check();
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0, 'the harm is gone from this run');
    assert.equal(await status(app, 'fix'), 'fail');
    assert.match(await why(app, 'fix'), /delivered no duplicate in this run/);

    await app.byTestId('sqs-fifo').uncheck();
    await settled(app).waitFor();
    await app.byTestId('toggle-idempotency').check();
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0);
    assert.equal(await status(app, 'fix'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('commit before or after processing: auto-commit loses and repeats; committing first only loses; after the commit with idempotency is safe', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('commit-timing');
    await playUntilSettled(app);
    // The pipeline names the broker the lab runs on: a log, in its own words, not a queue.
    const title = await app.page.locator('#queue-title').textContent();
    assert.match(title, /^Broker: log topic/);
    assert.match(await app.page.locator('.queue__lanes').textContent(), /Fetched, not committed/);
    assert.match(await app.byTestId('pipeline').textContent(), /↓ fetch · ↑ commit offset/);
    assert.equal(await status(app, 'lost'), 'pass');
    assert.equal(await status(app, 'repeated'), 'pass');
    assert.equal(await status(app, 'fix'), 'fail');

    // The cheat: commit the offset before processing. Nothing is read twice — and payments are lost.
    await app.byTestId('ack-timing').selectOption('manual_first');
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0, 'nothing is charged twice any more');
    assert.equal(await status(app, 'fix'), 'fail');
    assert.match(await why(app, 'fix'), /^\d+ payments? (lost|charged without a ledger row)/);

    await app.byTestId('ack-timing').selectOption('after_commit');
    await settled(app).waitFor();
    await app.byTestId('toggle-idempotency').check();
    await settled(app).waitFor();
    await app.byTestId('toggle-gateway-key').check();
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0);
    assert.equal(await status(app, 'fix'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('exactly-once, effectively: offsets in the transaction keep the ledger right; a processed record does not save the card; the gateway key does', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('effectively-once');
    await playUntilSettled(app);
    assert.equal(await status(app, 'ledger'), 'pass');
    assert.equal(await status(app, 'card'), 'pass');
    assert.equal(await status(app, 'fix'), 'fail');

    // The wrong fix: a processed record rolls back with the ledger row, so the card is charged again.
    await app.byTestId('toggle-idempotency').check();
    await settled(app).waitFor();
    assert.ok((await duplicates(app)) >= 1, 'still charged twice');
    assert.equal(await status(app, 'fix'), 'fail');
    assert.match(await why(app, 'fix'), /^\d+ payments? charged or recorded twice/);

    await app.byTestId('toggle-idempotency').uncheck();
    await settled(app).waitFor();
    await app.byTestId('toggle-gateway-key').check();
    await settled(app).waitFor();
    assert.equal(await duplicates(app), 0);
    assert.equal(await status(app, 'fix'), 'pass');
    assert.equal(await app.byTestId('lab-verdict').getAttribute('data-complete'), 'true');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** The texts of the event log's rows of one kind (the log's own filter picks the kind), each as its
 * kind's label and its sentence. */
async function eventTexts(app, kind) {
  await app.byTestId('event-filter-kind').selectOption(kind);
  return app.page.locator(`[data-testid=event-row][data-kind=${kind}]`)
    .evaluateAll((rows) => rows.map((r) => `${r.querySelector('.event__kind').textContent} | ${r.querySelector('.event__text').textContent}`));
}

test('the event log speaks each broker’s words: no nack on SQS; a log’s crash after the commit is not before an ack', async () => {
  const app = await e2e.open();
  try {
    // Lab 7's failed charges on an SQS queue: SQS has no nack (a received message becomes visible
    // again when its visibility timeout ends), so the log says the delivery failed and when it is
    // retried.
    await app.byTestId('lab-select').selectOption('retry-storm');
    await app.byTestId('broker-kind').selectOption('sqs');
    await playUntilSettled(app, { timeout: 60_000 });
    const sqs = await eventTexts(app, 'nacked');
    assert.ok(sqs.length > 0, 'the SQS run has failed deliveries');
    assert.ok(sqs.every((t) => /^retry scheduled \| pay-\d+ failed on consumer \d: retry in \d+ ms$/.test(t)), sqs.join('\n'));
    assert.ok(sqs.every((t) => !/nack/i.test(t)), sqs.join('\n'));

    // Lab 13 crashes after the database commit on a log, whose consumer commits an offset, not an ack.
    await app.byTestId('lab-select').selectOption('effectively-once');
    await playUntilSettled(app, { timeout: 60_000 });
    const crashes = await eventTexts(app, 'crashed');
    assert.ok(crashes.some((t) => t.includes('crashed after the database commit while holding pay-')), crashes.join('\n'));
    assert.ok(crashes.every((t) => !/\back\b/.test(t)), crashes.join('\n'));
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the crash controls and the strategy help speak each broker’s words: a crash after the commit is not before an ack, on a log or when the strategy acks first; no broker nacks a failed charge; a log\'s group splits partitions, not a queue', async () => {
  const app = await e2e.open();
  try {
    // Lab 13 arms a crash after the database commit on a log: its consumer commits an offset and
    // acks nothing, so neither the armed list nor the crash button may say "before ack".
    await app.byTestId('lab-select').selectOption('effectively-once');
    const armed = await app.page.locator('[data-testid=armed-crash][data-point=after_commit]').first().textContent();
    assert.match(armed, /after the database commit/);
    assert.doesNotMatch(armed, /before ack/);
    const labels = await app.page.locator('[data-testid=crash-after-commit]')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    assert.ok(labels.length > 0 && labels.every((l) => / after the database commit$/.test(l)), labels.join('\n'));

    // Lab 4's consumer acks on receive, so its crash after the commit comes long after the ack: armed
    // by hand (it fires on the first payment, before the script's crash at every fifth check), it is
    // not "before ack" on the button, in the armed list or in the consumer's status.
    await app.byTestId('lab-select').selectOption('ack-before-commit');
    const button = app.page.locator('[data-testid=crash-after-commit][data-consumer="0"]');
    assert.match(await button.getAttribute('aria-label'), /^crash: arm a crash of consumer 1 after the database commit$/);
    await button.click();
    const armed4 = await app.page.locator('[data-testid=armed-crash][data-point=after_commit]').first().textContent();
    assert.match(armed4, /consumer 1, after the database commit, once/);
    assert.doesNotMatch(armed4, /before ack/);
    for (let i = 0; i < 800 && !/down/.test(await app.byTestId('consumer-status').textContent()); i++) {
      await app.byTestId('step').click();
    }
    assert.match(await app.byTestId('consumer-status').textContent(), /down — crashed after the database commit holding/);

    // The gateway's help: SQS has no nack and a log consumer seeks back, so no broker's help says nack.
    for (const kind of ['queue', 'sqs', 'log']) {
      await app.byTestId('broker-kind').selectOption(kind);
      const help = await app.byTestId('strategy').textContent();
      assert.match(help, /A failed charge is retried by the policy above/, kind);
      assert.doesNotMatch(help, /\bnack/i, kind);
      // The workers' help: a log has no shared queue and takes no acks; its group splits the partitions.
      if (kind === 'log') {
        assert.match(help, /The group splits the partitions: each is read by one consumer at a time\. Prefetch is how many records a poll fetches \(max\.poll\.records\)\./);
        assert.doesNotMatch(help, /share the queue|unacked/);
        // The rail's "ack" step and the crash after it are the offset commit on a log.
        assert.match(help, /Here “ack” is the offset commit \(auto-ack: a timed auto-commit\)\./);
      } else {
        assert.match(help, /Consumers share the queue; prefetch is how many unacked messages each may hold\./, kind);
      }
    }
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
