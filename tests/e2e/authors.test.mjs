// For blog authors and workshop trainers (issue 16, items 2 and 4): a payment's story exported as
// Mermaid renders with the real `mermaid` package; a chart downloads as a standalone SVG; the printed
// worksheet fits the page and hides the answers the facilitator key shows; progress survives a trip
// through a file, and a broken or hostile file changes nothing and says so.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eSuite, playUntilSettled, repoRoot } from './helpers.mjs';

const e2e = e2eSuite();

// Served to the test page from the worktree's tools (scripts/setup), never from a CDN.
const MERMAID = join(repoRoot, '.tools', 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

/** Clicks `testId` and answers the file it downloads: its name and text. */
async function save(app, testId) {
  const [download] = await Promise.all([app.page.waitForEvent('download'), app.byTestId(testId).click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** Lab 2 played to the end, with the event log narrowed to its first duplicate charge. */
async function incidentWithDuplicateFocused() {
  const app = await e2e.open();
  await app.byTestId('lab-select').selectOption('double-payment');
  await playUntilSettled(app);
  const duplicate = app.page.locator('[data-testid=anomaly][data-outcome=duplicate]').first();
  const payment = Number(await duplicate.getAttribute('data-payment'));
  await duplicate.getByTestId('anomaly-causes').click();
  return { app, payment };
}

test('a duplicate payment\'s story exports as Mermaid that the mermaid package parses and draws', async () => {
  const { app, payment } = await incidentWithDuplicateFocused();
  try {
    const label = `pay-${String(payment).padStart(4, '0')}`;
    assert.equal(await app.byTestId('diagram-subject').textContent(), `Sequence diagram of ${label}'s story:`);
    const file = await save(app, 'export-mermaid');
    assert.match(file.name, new RegExp(`^redelivery-lab-double-payment-seed42-${label}\\.mmd$`));
    await app.byTestId('copy-mermaid').click();
    const copied = await app.byTestId('diagram-text').inputValue();
    assert.equal(copied, file.text, 'the copy and the download hold the same text');
    for (const mark of ['CRASH', `REDELIVERY: ${label}`, 'DUPLICATE CHARGE']) {
      assert.ok(file.text.includes(mark), `${mark} is marked:\n${file.text}`);
    }
    const plantuml = await save(app, 'export-plantuml');
    assert.match(plantuml.name, /\.puml$/);
    assert.match(plantuml.text, /^@startuml\n[\s\S]*DUPLICATE CHARGE[\s\S]*@enduml\n$/);
    app.assertNoProblems();

    // A page of its own, with mermaid from the tools folder (routed, no network).
    const page = await app.context.newPage();
    await page.route('http://diagram.test/**', (route) => {
      const url = route.request().url();
      return url.endsWith('/mermaid.min.js')
        ? route.fulfill({ path: MERMAID, contentType: 'text/javascript' })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>diagram</title><div id="out"></div><script src="mermaid.min.js"></script>' });
    });
    await page.goto('http://diagram.test/index.html');
    const drawn = await page.evaluate(async (text) => {
      window.mermaid.initialize({ startOnLoad: false });
      const parsed = await window.mermaid.parse(text);
      const { svg } = await window.mermaid.render('story', text);
      document.getElementById('out').innerHTML = svg;
      const el = document.querySelector('#out svg');
      return {
        parsed: Boolean(parsed),
        svg: Boolean(el),
        width: el?.getBoundingClientRect().width ?? 0,
        texts: [...document.querySelectorAll('#out svg text')].map((t) => t.textContent),
      };
    }, file.text);
    assert.ok(drawn.parsed && drawn.svg && drawn.width > 100, `mermaid drew nothing: ${JSON.stringify(drawn)}`);
    for (const name of ['Producer', 'Broker', 'Consumer 1', 'Database', 'Gateway']) {
      assert.ok(drawn.texts.includes(name), `participant ${name} drawn: ${drawn.texts.join(' | ')}`);
    }
    assert.ok(drawn.texts.some((t) => t.includes('DUPLICATE CHARGE')), 'the duplicate charge note is drawn');
    assert.ok(drawn.texts.some((t) => t.startsWith('CRASH')), 'the crash note is drawn');
  } finally {
    await app.close();
  }
});

test('a chart downloads as a well-formed standalone SVG with its namespace, inline styles and a title', async () => {
  const app = await e2e.open();
  try {
    await app.byTestId('lab-select').selectOption('double-payment');
    await playUntilSettled(app);
    const button = app.page.locator('[data-testid^=chart-][data-testid$=-svg]').first();
    const testId = await button.getAttribute('data-testid');
    const file = await save(app, testId);
    assert.equal(file.name, `redelivery-lab-${testId.replace(/-svg$/, '')}.svg`);
    assert.match(file.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
    // Parsed in a blank page: the app's content security policy would refuse the file's inline styles.
    const blank = await app.context.newPage();
    const check = await blank.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length,
        name: root.localName,
        ns: root.namespaceURI,
        title: root.querySelector('title')?.textContent ?? '',
        width: root.getAttribute('width'),
        styled: root.querySelectorAll('[style*="stroke"]').length,
        classes: root.querySelectorAll('[class]').length,
        lines: root.querySelectorAll('polyline, rect, line').length,
      };
    }, file.text);
    assert.equal(check.error, 0, 'parses as XML');
    assert.equal(check.name, 'svg');
    assert.equal(check.ns, 'http://www.w3.org/2000/svg');
    assert.ok(check.title.length > 3, `a title: ${check.title}`);
    assert.ok(Number(check.width) > 0, 'a width of its own');
    assert.ok(check.styled > 0 && check.lines > 0, 'drawn with inline styles');
    assert.equal(check.classes, 0, 'no class left that needs the page\'s stylesheet');
    await blank.close();
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** Elements of the printed sheet wider than the page or clipped by their box. */
function cutOff(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const bad = [];
    for (const el of document.querySelectorAll('.pack, .pack *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const what = `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 40)}"`;
      if (r.left < -0.5 || r.right > width + 0.5) bad.push(`${what} spans ${r.left}..${r.right} of ${width}`);
      const style = getComputedStyle(el);
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) bad.push(`${what} clips its content`);
      }
    }
    if (document.documentElement.scrollWidth > width) bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    return bad;
  });
}

test('printed, the worksheet fits the page and hides the answers; the facilitator key shows them', async () => {
  const app = await e2e.open();
  const { page } = app;
  try {
    await page.setViewportSize({ width: 700, height: 1000 }); // about an A4 page's printable width
    await app.byTestId('lab-select').selectOption('double-payment');
    await app.byTestId('pack-worksheet').click();
    await app.byTestId('sheet-table').waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await app.byTestId('app').isVisible(), false, 'only the sheet is printed');
    assert.equal(await app.byTestId('pack-print').isVisible(), false, 'the sheet\'s buttons are not printed');
    assert.deepEqual(await cutOff(page), []);
    const worksheet = await app.byTestId('sheet').innerText();
    assert.match(worksheet, /Lab 2: The double-payment incident — worksheet/);
    assert.match(worksheet, /After the restart…/, 'the prediction question');
    assert.match(worksheet, /Truth table/);
    for (const answer of ['The broker only knows about acks', 'Enable idempotency', 'charged twice:', 'the answer', 'Discussion prompts']) {
      assert.ok(!worksheet.includes(answer), `the worksheet gives away "${answer}"`);
    }
    const cells = await page.locator('[data-testid=sheet-table] td').allInnerTexts();
    assert.equal(cells.length, 12);
    assert.ok(cells.every((c) => c.trim() === ''), 'the truth table is blank');
    const link = await app.byTestId('sheet-link').getAttribute('href');
    assert.match(link, /#./, 'a link to the exact state');

    await page.emulateMedia({ media: 'screen' });
    await app.byTestId('pack-close').click();
    await app.byTestId('pack-key').click();
    await app.byTestId('sheet-why').waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.deepEqual(await cutOff(page), []);
    const key = await app.byTestId('sheet').innerText();
    assert.match(key, /facilitator key/);
    assert.match(key, /☑ the broker redelivers and the customer is charged again — the answer/);
    assert.match(key, /The broker only knows about acks/);
    assert.match(key, /Enable idempotency/);
    assert.match(key, /20 minutes/);
    assert.match(key, /Discussion prompts/);
    const filled = await page.locator('[data-testid=sheet-table] td').allInnerTexts();
    assert.ok(filled.every((c) => c.trim() !== ''), 'the key\'s truth table is filled');
    assert.ok(filled.some((c) => c.startsWith('charged twice')), filled.join(' | '));

    // The link opens the same lab.
    const other = await app.context.newPage();
    await other.goto(link);
    await other.locator('[data-testid=app][data-lab=double-payment]').waitFor();
    await other.close();
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

/** Whether the lab picker marks `lab` done. */
async function done(app, lab) {
  return (await app.page.locator(`[data-testid=lab-select] option[value=${lab}]`).textContent()).startsWith('✓ done');
}

test('progress exports to a file and imports from it; a broken or hostile file says why and changes nothing', async () => {
  const first = await e2e.open();
  let file;
  try {
    await first.byTestId('lab-select').selectOption('first-delivery');
    await playUntilSettled(first);
    assert.ok(await done(first, 'first-delivery'), 'lab 1 completes by playing it');
    file = await save(first, 'progress-export');
    assert.equal(file.name, 'redelivery-lab-progress.txt');
    assert.match(file.text, /^redelivery-lab settings 2\n[\s\S]*progress=first-delivery;/);
    first.assertNoProblems();
  } finally {
    await first.close();
  }

  const app = await e2e.open();
  try {
    assert.equal(await done(app, 'first-delivery'), false, 'a fresh browser has no progress');
    const choose = (text) => app.byTestId('progress-import').setInputFiles({
      name: 'progress.txt', mimeType: 'text/plain', buffer: Buffer.from(text),
    });
    await choose(file.text);
    await app.page.waitForFunction(() => document.querySelector('[data-testid=lab-select] option[value=first-delivery]').textContent.startsWith('✓ done'));
    const stored = await app.page.evaluate(() => localStorage.getItem('redelivery-lab/v2'));
    assert.ok(stored.includes('progress=first-delivery;'), 'the imported progress is remembered');

    for (const [text, sentence] of [
      ['not a progress file at all', 'This file is not a Redelivery Lab progress file, so nothing changed.'],
      ['redelivery-lab settings 2\nprogress=first-delivery;9;0;0;;0;\n', 'This progress file holds values this version cannot use, so nothing changed.'],
      ['redelivery-lab settings 2\nprogress=<script>;;0;0;;0;\n', 'This progress file holds values this version cannot use, so nothing changed.'],
    ]) {
      await choose(text);
      await app.page.locator('[data-testid=error-banner]', { hasText: sentence }).waitFor();
      assert.ok(await done(app, 'first-delivery'), `the progress is unchanged after: ${text}`);
      assert.equal(await app.page.evaluate(() => localStorage.getItem('redelivery-lab/v2')), stored);
    }
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
