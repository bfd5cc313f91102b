// The numbered labs' lesson texts load on demand (lessons.json, src/ui/lessons.rs): free play needs no
// fetch, the first lab fetches the file once and shows its words, and a failed fetch says so in one
// sentence with a Retry that works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
    await app.byTestId('prediction-option').first().waitFor();
    const text = await lesson.textContent();
    assert.match(text, /crash after charging the card and committing the ledger/, 'the story, from lessons.json');
    assert.match(text, /the broker redelivers and the customer is charged again/, 'the prediction options');
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

    await app.page.unroute('**/lessons.json');
    await app.byTestId('lesson-retry').click();
    await app.byTestId('prediction-option').first().waitFor();
    assert.match(await app.byTestId('lesson').textContent(), /No duplicates at all/, 'the story, after the retry');
    assert.equal(await error.count(), 0);
  } finally {
    await app.close();
  }
});
