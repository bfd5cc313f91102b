// The numbered labs' lesson texts load on demand (lessons.json, src/ui/lessons.rs): free play needs no
// fetch, the first lab fetches the file once and shows its words, and a failed fetch says so in one
// sentence with a Retry that works. The goals' words and the exported test skeleton come from the same
// file; the skeleton's button fetches it on the click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startE2E } from './helpers.mjs';

let e2e;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e?.close();
});

const lessonFetches = (app) => app.requests.filter((u) => new URL(u).pathname.endsWith('/lessons.json')).length;

test('free play needs no fetch; the first lab fetches the lesson texts once and shows them', async () => {
  const app = await e2e.open();
  try {
    const lesson = app.byTestId('lesson');
    assert.match(await lesson.textContent(), /Pick a crash point and a strategy/, 'free play carries its own words');
    assert.equal(lessonFetches(app), 0, 'the first screen fetches no lesson texts');

    await app.byTestId('lab-select').selectOption('double-payment');
    // The options' buttons are on screen before their words arrive: wait for the words themselves.
    await app.page.getByText('crash after charging the card and committing the ledger', { exact: false }).first().waitFor();
    const text = await lesson.textContent();
    assert.match(text, /crash after charging the card and committing the ledger/, 'the story, from lessons.json');
    assert.match(text, /the broker redelivers and the customer is charged again/, 'the prediction options');
    assert.match(text, /Reproduce the incident: a customer charged twice/, 'the goals, from lessons.json');
    assert.equal(await app.byTestId('lesson-loading').count(), 0);
    assert.equal(lessonFetches(app), 1);

    await app.byTestId('lab-select').selectOption('retry-storm');
    await app.page.getByText('The card gateway hangs for three seconds', { exact: false }).first().waitFor();
    assert.equal(lessonFetches(app), 1, 'fetched once, kept for every lab');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('a lesson fetch that fails says so in one sentence, and Retry loads it', async () => {
  const app = await e2e.open();
  try {
    await app.page.route('**/lessons.json', (route) => route.abort());
    await app.byTestId('lab-select').selectOption('ack-before-commit');
    const error = app.byTestId('lesson-error');
    await error.waitFor();
    assert.match(await error.textContent(), /^The lesson's text could not be loaded \(the network request failed\): check the connection, then retry\./);
    assert.ok((await app.page.locator('[data-testid=goal]').count()) > 0, 'the goals stay on screen meanwhile');

    assert.equal(await app.page.locator('.goal__text').first().textContent(), '', 'no goal words before the file loads');
    await app.page.unroute('**/lessons.json');
    await app.byTestId('lesson-retry').click();
    // The options' buttons are on screen before their words arrive: wait for the words themselves.
    await app.page.getByText('No duplicates at all', { exact: false }).first().waitFor();
    const text = await app.byTestId('lesson').textContent();
    assert.match(text, /No duplicates at all/, 'the story, after the retry');
    assert.match(text, /See a payment lost/, 'the goals, after the retry');
    assert.equal(await error.count(), 0);
  } finally {
    await app.close();
  }
});

test('the failure-injection test export fetches its skeleton on the click, and says so when it cannot', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await page.route('**/lessons.json', (route) => route.abort());
    await app.byTestId('export-test').click();
    const banner = app.byTestId('error-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /The test skeleton could not be loaded: the network request failed\./);

    await page.unroute('**/lessons.json');
    const [download] = await Promise.all([page.waitForEvent('download'), app.byTestId('export-test').click()]);
    assert.match(download.suggestedFilename(), /-failure-injection\.rs$/);
    const text = await readFile(await download.path(), 'utf8');
    assert.match(text, /for boundary in BOUNDARIES/, 'the skeleton, from lessons.json');
    assert.equal(lessonFetches(app), 2, 'the failed fetch and the one that worked');
  } finally {
    await app.close();
  }
});
