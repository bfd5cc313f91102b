// The authors' and trainers' page (tools.html, issue 16 items 1, 2 and 4), reached the way an author
// reaches it: lab 2 played to its end in the app, "Share link", then "Embed & export". From there: the
// iframe snippet plays in a blog's 800×600 and 360×420 frames without an inner scrollbar; a duplicate
// payment's story exported as Mermaid renders with the real `mermaid` package; a chart downloads as a
// standalone SVG; a printed worksheet and key fit the page; progress survives a trip through a file, and a
// damaged file changes nothing and says so in one sentence; axe finds no serious or critical violation
// and every control is reached with the keyboard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, screenshot, watchProblems } from './helpers.mjs';
import { assertNoScrollbar, startHostSite } from './host-site.mjs';

// Served to a test page from the worktree's tools (scripts/setup), never from a CDN.
const MERMAID = join(repoRoot, '.tools', 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
const axeSource = () =>
  readFile(createRequire(join(repoRoot, '.tools', 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

let hostSite, browser, port, link, toolsUrl;

const appUrl = () => `http://127.0.0.1:${port}/lab/`;

/** The app in a fresh context, lab `lab` played at top speed until every payment settles. */
async function playedLab(context, lab) {
  const page = await context.newPage();
  await page.goto(appUrl());
  await page.getByTestId('app').waitFor();
  await page.getByTestId('lab-select').selectOption(lab);
  await page.getByTestId('speed').press('End');
  await page.getByTestId('play').click();
  await page.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 60_000 });
  return page;
}

/** The tools page for the lab 2 run, in a fresh context; answers { page, context, problems }. */
async function openTools({ viewport = { width: 1280, height: 900 }, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce', acceptDownloads: true, bypassCSP });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(toolsUrl);
  await page.getByTestId('tools').waitFor({ timeout: 15_000 });
  return { page, context, problems };
}

/** Clicks `locator` and answers the file it downloads: its name and text. */
async function save(page, locator) {
  const [download] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

before(async () => {
  hostSite = await startHostSite('tools');
  ({ port, browser } = hostSite);
  // Lab 2 played to its end (a duplicate charge on screen), shared, then the app's own control.
  const context = await browser.newContext();
  const app = await playedLab(context, 'double-payment');
  await app.getByTestId('share-link').click();
  link = new URL(await app.getByTestId('share-url').inputValue()).hash.slice(1);
  assert.match(link, /^v\d+\./);
  const control = app.getByTestId('tools-link');
  assert.equal(await control.getAttribute('href'), `tools.html#${link}`);
  await control.click();
  await app.getByTestId('tools').waitFor({ timeout: 15_000 });
  toolsUrl = app.url();
  assert.equal(toolsUrl, `${appUrl()}tools.html#${link}`);
  await context.close();
});

after(async () => {
  await hostSite?.close();
});

test('the app\'s Embed & export link opens the tools page on the same state, and Back returns to it', async () => {
  const { page, context, problems } = await openTools();
  try {
    assert.match(await page.getByTestId('tools-what').textContent(), /^Lab 2: The double-payment incident, seed \d+, shared at t = [\d,]+\.\d{3} s\.$/);
    const back = page.getByTestId('tools-back');
    assert.equal(await back.getAttribute('href'), `index.html#${link}`);
    await back.click();
    await page.locator('[data-testid=app][data-lab=double-payment]').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).hash.slice(1), link);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the iframe snippet, pasted into a post at 800×600 and 360×420, plays the run without an inner scrollbar', async () => {
  const { page, context, problems } = await openTools();
  const snippets = {};
  try {
    for (const [w, h] of [[800, 600], [360, 420]]) {
      await page.getByTestId(`embed-size-${w}x${h}`).check();
      const snippet = await page.getByTestId('embed-snippet').inputValue();
      assert.equal(snippet,
        `<iframe src="${appUrl()}embed.html#${link}" title="Redelivery Lab: The double-payment incident" width="${w}" height="${h}" loading="lazy" style="border:0"></iframe>`);
      // The live preview is that same frame.
      const preview = page.getByTestId('embed-preview');
      assert.equal(await preview.getAttribute('src'), `${appUrl()}embed.html#${link}`);
      assert.equal(await preview.getAttribute('width'), String(w));
      assert.equal(await preview.getAttribute('height'), String(h));
      assert.equal(await preview.getAttribute('loading'), 'lazy');
      snippets[`${w}x${h}`] = snippet;
    }
    const frame = await (await page.getByTestId('embed-preview').elementHandle()).contentFrame();
    await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
  // Each snippet as an author pastes it, in a post on another origin (localhost, not 127.0.0.1).
  for (const [size, snippet] of Object.entries(snippets)) {
    const url = await hostSite.post(`post-${size}`, `<p>A post.</p>${snippet}`);
    const post = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    try {
      const page = await post.newPage();
      const problems = watchProblems(page);
      await page.goto(url);
      const frame = await (await page.locator('iframe').elementHandle()).contentFrame();
      await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
      await frame.getByTestId('play').click();
      await frame.waitForFunction(() => Number(document.querySelector('[data-testid=total-charged_once]')?.textContent) > 0,
        null, { timeout: 30_000 });
      await frame.getByTestId('play').click();
      await assertNoScrollbar(frame, size);
      await screenshot(page, `tools-snippet-${size}`);
      assert.deepEqual(problems, []);
    } finally {
      await post.close();
    }
  }
});

test('a duplicate payment\'s story exports as Mermaid that the mermaid package parses and draws', async () => {
  const { page, context, problems } = await openTools();
  try {
    // Payments with an anomaly are listed first, with their outcome.
    const option = page.locator('[data-testid=diagram-subject] option', { hasText: 'duplicate' }).first();
    const value = await option.getAttribute('value');
    const label = `pay-${value.padStart(4, '0')}`;
    await page.getByTestId('diagram-subject').selectOption(value);
    const shown = await page.getByTestId('diagram-text').inputValue();
    const file = await save(page, page.getByTestId('diagram-download'));
    assert.match(file.name, new RegExp(`^redelivery-lab-double-payment-seed\\d+-${label}\\.mmd$`));
    assert.equal(file.text, shown, 'the download holds the text on screen');
    assert.match(file.text, /^sequenceDiagram\n/);
    for (const mark of ['CRASH', `REDELIVERY: ${label}`, 'DUPLICATE CHARGE']) {
      assert.ok(file.text.includes(mark), `${mark} is marked:\n${file.text}`);
    }
    await page.getByTestId('diagram-format-plantuml').check();
    const plantuml = await save(page, page.getByTestId('diagram-download'));
    assert.match(plantuml.name, /\.puml$/);
    assert.match(plantuml.text, /^@startuml\n[\s\S]*DUPLICATE CHARGE[\s\S]*@enduml\n$/);
    assert.deepEqual(problems, []);

    // A page of its own, with mermaid from the tools folder (routed, no network).
    const drawPage = await context.newPage();
    await drawPage.route('http://diagram.test/**', (route) => (route.request().url().endsWith('/mermaid.min.js')
      ? route.fulfill({ path: MERMAID, contentType: 'text/javascript' })
      : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>diagram</title><div id="out"></div><script src="mermaid.min.js"></script>' })));
    await drawPage.goto('http://diagram.test/index.html');
    const drawn = await drawPage.evaluate(async (text) => {
      window.mermaid.initialize({ startOnLoad: false });
      const parsed = await window.mermaid.parse(text);
      const { svg } = await window.mermaid.render('story', text);
      document.getElementById('out').innerHTML = svg;
      const el = document.querySelector('#out svg');
      return {
        parsed: Boolean(parsed),
        width: el?.getBoundingClientRect().width ?? 0,
        texts: [...document.querySelectorAll('#out svg text')].map((t) => t.textContent),
      };
    }, file.text);
    assert.ok(drawn.parsed && drawn.width > 100, `mermaid drew nothing: ${JSON.stringify(drawn)}`);
    for (const name of ['Producer', 'Broker', 'Consumer 1', 'Database', 'Gateway']) {
      assert.ok(drawn.texts.includes(name), `participant ${name} drawn: ${drawn.texts.join(' | ')}`);
    }
    assert.ok(drawn.texts.some((t) => t.includes('DUPLICATE CHARGE')), 'the duplicate charge is drawn');
    assert.ok(drawn.texts.some((t) => t.startsWith('CRASH')), 'the crash is drawn');
  } finally {
    await context.close();
  }
});

test('each chart downloads as a well-formed standalone SVG with its namespace, inline styles and a title', async () => {
  const { page, context, problems } = await openTools();
  try {
    const buttons = page.locator('[data-testid^=chart-][data-testid$=-svg]');
    await buttons.first().waitFor();
    assert.equal(await buttons.count(), await page.locator('#tools-charts figure.chart').count(), 'one download per chart');
    const testId = await buttons.first().getAttribute('data-testid');
    const file = await save(page, buttons.first());
    assert.equal(file.name, `redelivery-lab-${testId.replace(/-svg$/, '')}.svg`);
    assert.match(file.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
    // Parsed in a blank page: nothing of the site's stylesheet or script is there.
    const blank = await context.newPage();
    const check = await blank.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        name: root.localName,
        ns: root.namespaceURI,
        title: root.querySelector('title')?.textContent ?? '',
        width: Number(root.getAttribute('width')),
        styled: root.querySelectorAll('[style*="stroke"]').length,
        classes: root.querySelectorAll('[class]').length,
        drawn: root.querySelectorAll('polyline, rect, line, path').length,
      };
    }, file.text);
    assert.equal(check.errors, 0, 'parses as XML');
    assert.equal(check.name, 'svg');
    assert.equal(check.ns, 'http://www.w3.org/2000/svg');
    assert.ok(check.title.length > 3, `a title: ${check.title}`);
    assert.ok(check.width > 0, 'a width of its own');
    assert.ok(check.styled > 0 && check.drawn > 0, 'drawn, with inline styles');
    assert.equal(check.classes, 0, 'no class left that needs the site\'s stylesheet');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

/** Printed elements wider than the page or clipped by their own box. */
function cutOff(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const bad = [];
    for (const el of document.querySelectorAll('[data-testid=pack-sheets], [data-testid=pack-sheets] *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const what = `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 40)}"`;
      if (r.left < -0.5 || r.right > width + 0.5) bad.push(`${what} spans ${r.left}..${r.right} of ${width}`);
      const style = getComputedStyle(el);
      if ((style.overflowX !== 'visible' || style.overflowY !== 'visible')
        && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) bad.push(`${what} clips its content`);
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).display !== 'inline') bad.push(`${what} overflows sideways`);
    }
    if (document.documentElement.scrollWidth > width) bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    return bad;
  });
}

test('printed, the worksheet fits the page and hides the answers; the facilitator key shows them', async () => {
  // About an A4 page's printable width at 96 dpi (210 mm less 2 × 15 mm margins).
  const { page, context, problems } = await openTools({ viewport: { width: 680, height: 1000 } });
  try {
    await page.getByTestId('pack-kind-worksheet').check();
    await page.locator('[data-testid=sheet][data-kind=worksheet] [data-testid=sheet-table]').waitFor();
    await page.emulateMedia({ media: 'print' });
    for (const id of ['tools-embed', 'tools-diagram', 'tools-charts', 'tools-progress', 'pack-print']) {
      assert.equal(await page.getByTestId(id).isVisible(), false, `${id} is not printed`);
    }
    assert.deepEqual(await cutOff(page), []);
    await screenshot(page, 'tools-print-worksheet');
    const worksheet = await page.getByTestId('sheet').innerText();
    assert.match(worksheet, /Lab 2: The double-payment incident — worksheet/);
    assert.match(worksheet, /Truth table/);
    for (const answer of ['Enable idempotency', 'charged twice:', 'the answer', 'Discussion prompts']) {
      assert.ok(!worksheet.includes(answer), `the worksheet gives away "${answer}"`);
    }
    const cells = await page.locator('[data-testid=sheet-table] td').allInnerTexts();
    assert.equal(cells.length, 12);
    assert.ok(cells.every((c) => c.trim() === ''), 'the truth table is blank');
    assert.equal(await page.getByTestId('sheet-link').getAttribute('href'), `${appUrl()}index.html#${link}`, 'the link to the exact state');

    await page.emulateMedia({ media: 'screen' });
    // From the keyboard (a click right after the switch back from print media can land mid-layout).
    await page.getByTestId('pack-kind-both').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId('pack-kind-both').isChecked(), true);
    await page.locator('[data-testid=sheet][data-kind=key] [data-testid=sheet-why]').waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.deepEqual(await cutOff(page), []);
    // The key starts on a page of its own.
    assert.equal(await page.locator('[data-testid=sheet][data-kind=key]').evaluate((el) => getComputedStyle(el).breakBefore), 'page');
    const key = await page.locator('[data-testid=sheet][data-kind=key]').innerText();
    assert.match(key, /facilitator key/);
    assert.match(key, /Enable idempotency/);
    assert.match(key, /20 minutes/);
    assert.match(key, /Discussion prompts/);
    const filled = await page.locator('[data-kind=key] [data-testid=sheet-table] td').allInnerTexts();
    assert.ok(filled.every((c) => c.trim() !== ''), 'the key\'s truth table is filled');
    assert.ok(filled.some((c) => c.startsWith('charged twice')), filled.join(' | '));

    // Every lab's sheets print too, each fitting the page.
    await page.emulateMedia({ media: 'screen' });
    await page.getByTestId('pack-lab').selectOption('all');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.getByTestId('sheet').count() >= 26, 'two sheets for each of the numbered labs');
    assert.deepEqual(await cutOff(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

/** The tools page's progress summary: [done, of]. */
async function summary(page) {
  const m = (await page.getByTestId('progress-summary').textContent()).match(/(\d+) of (\d+) labs done/);
  assert.ok(m, 'a summary of the labs done');
  return [Number(m[1]), Number(m[2])];
}

test('progress exports to a file, and after storage is cleared the file brings it back; a damaged file says why and changes nothing', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const app = await playedLab(context, 'first-delivery');
    assert.ok((await app.locator('[data-testid=lab-select] option[value=first-delivery]').textContent()).startsWith('✓ done'),
      'lab 1 completes by playing it');
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${appUrl()}tools.html#${link}`);
    await page.getByTestId('tools').waitFor();
    const [done, of] = await summary(page);
    assert.equal(done, 1);
    const file = await save(page, page.getByTestId('progress-export'));
    assert.equal(file.name, 'redelivery-lab-progress.txt');
    assert.match(file.text, /^redelivery-lab settings 2\n[\s\S]*progress=first-delivery;/);

    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByTestId('tools').waitFor();
    assert.deepEqual(await summary(page), [0, of], 'a cleared browser has no progress');

    const choose = (text) => page.getByTestId('progress-import').setInputFiles({
      name: 'progress.txt', mimeType: 'text/plain', buffer: Buffer.from(text),
    });
    await choose(file.text);
    await page.getByTestId('progress-status').filter({ hasText: `Progress imported: 1 of ${of} labs done.` }).waitFor();
    assert.deepEqual(await summary(page), [1, of]);
    const stored = await page.evaluate(() => localStorage.getItem('redelivery-lab/v2'));
    assert.ok(stored.includes('progress=first-delivery;'), 'the imported progress is remembered');

    for (const [text, sentence] of [
      ['not a progress file at all', 'This file is not a Redelivery Lab progress file, so nothing changed.'],
      ['redelivery-lab settings 2\nprogress=first-delivery;9;0;0;;0;\n', 'This progress file holds values this version cannot use, so nothing changed.'],
      ['redelivery-lab settings 2\nprogress=<script>;;0;0;;0;\n', 'This progress file holds values this version cannot use, so nothing changed.'],
    ]) {
      await choose(text);
      const error = page.getByTestId('progress-error');
      await error.filter({ hasText: sentence }).waitFor();
      assert.equal((await error.textContent()).trim(), sentence, 'one sentence');
      assert.equal(await page.evaluate(() => localStorage.getItem('redelivery-lab/v2')), stored, `nothing changed after: ${text}`);
      assert.deepEqual(await summary(page), [1, of]);
    }
    assert.deepEqual(problems, []);

    // The app reads the imported progress.
    await app.reload();
    await app.getByTestId('app').waitFor();
    assert.ok((await app.locator('[data-testid=lab-select] option[value=first-delivery]').textContent()).startsWith('✓ done'));
  } finally {
    await context.close();
  }
});

test('the tools page: axe finds no serious or critical violation, and every control is reached with the keyboard', async () => {
  // The page's CSP forbids injected scripts (as it should): this one context bypasses it for axe.
  const { page, context, problems } = await openTools({ bypassCSP: true });
  try {
    await page.locator('[data-testid=sheet]').first().waitFor();
    await page.locator('[data-testid^=chart-][data-testid$=-svg]').first().waitFor();
    await page.addScriptTag({ content: await axeSource() });
    const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
    assert.deepEqual(serious, []);
    await screenshot(page, 'tools-page');

    // Tab through the page: every control the page offers takes the focus, in order.
    const reached = new Set();
    await page.locator('body').focus();
    for (let i = 0; i < 200; i += 1) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '');
      if (id) reached.add(id);
      if (id === 'progress-import') break;
    }
    for (const id of ['tools-back', 'embed-size-800x600', 'embed-snippet', 'embed-copy', 'diagram-subject', 'diagram-text',
      'diagram-download', 'diagram-copy', 'pack-lab', 'pack-print', 'progress-export', 'progress-import']) {
      assert.ok(reached.has(id), `${id} is reached with Tab (reached: ${[...reached].join(', ')})`);
    }
    // A control is worked from the keyboard: Enter on Copy shows its status.
    await page.getByTestId('embed-copy').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('embed-copied').filter({ hasText: 'Copied' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('at 1280×720, 1920×1080 and on a phone the snippet shows whole, the page never scrolls sideways and phone targets are 24 px', async () => {
  const sizes = [
    ['1280', { width: 1280, height: 720 }],
    ['1920', { width: 1920, height: 1080 }],
    ['phone', { width: 390, height: 844 }],
  ];
  const found = {};
  for (const [name, viewport] of sizes) {
    const { page, context, problems } = await openTools({ viewport });
    try {
      for (const [w, h] of [[800, 600], [360, 420]]) {
        await page.getByTestId(`embed-size-${w}x${h}`).check();
        // Before: rows="3" hid the end of the snippet (title, size, loading) behind an inner scrollbar,
        // 4 lines of text in 3 at 1280 px and 9 in 3 on a phone.
        const text = await page.getByTestId('embed-snippet').evaluate((t) => [t.scrollHeight, t.clientHeight]);
        found[`${name} ${w}x${h}`] = text[0] <= text[1] ? 'whole' : `${text[0]} px of text in ${text[1]} px`;
      }
      if (name === 'phone') {
        // Before: the frame size, moment, format and sheet radio buttons were 13 × 13 px.
        const small = await page.evaluate(() => [...document.querySelectorAll('button, a[href], input, select, textarea, summary')]
          .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && (r.width < 24 || r.height < 24); })
          .map((e) => `${e.dataset.testid ?? e.tagName} ${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`));
        assert.deepEqual(small, [], 'every target on the phone is at least 24 × 24 px');
      }
      const page_ = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(page_[0] <= page_[1], `${name}: the page scrolls sideways (${page_})`);
      await screenshot(page, `tools-snippet-${name}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
  for (const v of Object.values(found)) assert.equal(v, 'whole', JSON.stringify(found));
});
