// Languages (issue 16 item 5): `?locale=es`, the saved choice and the browser's language put the page in
// Spanish, loaded on demand from locales/es.json; no text the catalogue translates is left in English on
// the welcome, a lab 2 run, the sweep and side by side (text nodes and the names in aria-label, title and
// placeholder), none of the term variants locales/es/README.md bans is shown, and a lab 2 run prints
// money and time with a decimal comma; `?locale=en` stays English (decimal point); the picker switches
// language and keeps the run; a catalogue that does not load keeps English with one sentence. Screenshots land in target/e2e/locale-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSuite, repoRoot, screenshot, settled, watchProblems } from './helpers.mjs';

const suite = e2eSuite();

// Every table of locales/es/ (the interface's, the core's, the tools'…): the English texts whose
// Spanish differs are the ones that must not be on a Spanish page. Keys are compared trimmed, as text
// nodes are; a key of one or two letters ("ms", "I") is too short to tell a leftover from a symbol.
const dir = join(repoRoot, 'locales', 'es');
const spanish = Object.assign(
  {},
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
);
const english = new Set(
  Object.entries(spanish)
    .filter(([en, es]) => en.trim() !== es.trim() && en.trim().length > 2 && !en.includes('{'))
    .map(([en]) => en.trim()),
);

/** Opens the app at `query` (e.g. `?locale=es`) in a fresh context, waiting for its root. */
async function open(query = '', { hash = '', locale = 'en-US', viewport = { width: 1280, height: 720 }, route } = {}) {
  const context = await suite.browser.newContext({ viewport, locale, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = watchProblems(page);
  if (route) await page.route(route.url, route.handler);
  await page.goto(suite.baseUrl + query + (hash ? `#${hash}` : ''));
  await page.getByTestId('app').waitFor({ timeout: 20_000 });
  return { page, context, problems, byTestId: (id) => page.getByTestId(id) };
}

/** Every visible text node of the page, trimmed, and every accessible name written in an attribute. */
function visibleTexts(page) {
  return page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      // Code (the queue's name, a key on the keyboard map) is not words to translate.
      if (!text || !el || el.closest('script, style, code, kbd, [hidden], [aria-hidden=true]')) continue;
      const visible = el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
      // A visually-hidden span is read aloud: it counts too.
      if (visible || el.closest('.visually-hidden')) out.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    return out;
  });
}

/** Fails naming every text on screen that the catalogue translates but that is still English. */
async function assertNoEnglish(app, where) {
  const left = [...new Set((await visibleTexts(app.page)).filter((t) => english.has(t)))];
  assert.deepEqual(left, [], `${where}: English left on the Spanish page:\n${left.join('\n')}`);
}

// The variants locales/es/README.md bans (the «…» of its term table's last column, the list
// tests/spanish_terms.rs enforces on the tables): none may reach a Spanish page.
const banned = readFileSync(join(dir, 'README.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .flatMap((line) => [...(line.replace(/\|\s*$/, '').split('|').pop() ?? '').matchAll(/«([^»]+)»/g)].map((m) => m[1].toLowerCase()));

/** Fails naming every banned Spanish variant among the page's visible texts. */
async function assertNoBannedTerm(app, where) {
  const texts = await visibleTexts(app.page);
  const found = texts.filter((t) => banned.some((b) => t.toLowerCase().includes(b)));
  assert.deepEqual([...new Set(found)], [], `${where}: a term locales/es/README.md bans is on the page`);
}

// Spanish numbers (locales/es/README.md): a decimal comma, and from five digits a no-break space
// between thousands — never a point.
const spanishMoney = /^(\d{1,4}|\d{1,3}(\u00a0\d{3})+),\d{2}$/;
const spanishClock = /^t = (\d{1,4}|\d{1,3}(\u00a0\d{3})+),\d{3} s$/;

async function shoot(app, name) {
  await screenshot(app.page, `locale-${name}`);
}

test('?locale=es puts the welcome, a lab 2 run, the sweep and side by side in Spanish', async () => {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    const size = `${viewport.width}x${viewport.height}`;
    const app = await open('?locale=es', { viewport });
    assert.equal(await app.page.getAttribute('html', 'lang'), 'es');
    assert.equal(await app.byTestId('language').inputValue(), 'es');
    await app.byTestId('welcome').waitFor();
    await assertNoEnglish(app, 'welcome');
    await assertNoBannedTerm(app, 'welcome');
    await shoot(app, `welcome-es-${size}`);

    await app.byTestId('lab-select').selectOption('double-payment');
    await app.byTestId('speed').press('End');
    await app.byTestId('play').click();
    await settled(app).waitFor({ timeout: 60_000 });
    await assertNoEnglish(app, 'lab 2 run');
    await assertNoBannedTerm(app, 'lab 2 run');
    // Lab 2 charges someone twice: the overcharged sum is money, printed the Spanish way.
    const overcharged = (await app.byTestId('money-overcharged').textContent()).trim();
    assert.match(overcharged, spanishMoney, `overcharged ${JSON.stringify(overcharged)}`);
    assert.notEqual(overcharged, '0,00', 'lab 2 overcharges');
    assert.match((await app.byTestId('money-missing').textContent()).trim(), spanishMoney);
    assert.match((await app.byTestId('clock').textContent()).trim(), spanishClock);
    await shoot(app, `lab2-es-${size}`);

    await app.byTestId('view-sweep').click();
    await app.byTestId('sweep-run').click();
    await app.page.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 120_000 });
    await assertNoEnglish(app, 'sweep');
    await assertNoBannedTerm(app, 'sweep');
    await shoot(app, `sweep-es-${size}`);

    await app.byTestId('view-compare').click();
    await app.byTestId('compare-end').click();
    await assertNoEnglish(app, 'side by side');
    await assertNoBannedTerm(app, 'side by side');
    await shoot(app, `compare-es-${size}`);
    assert.deepEqual(app.problems, []);
    await app.context.close();
  }
});

test('?locale=en stays English and fetches no catalogue', async () => {
  const requests = [];
  const app = await open('?locale=en', { locale: 'es-ES' });
  app.page.on('request', (r) => requests.push(r.url()));
  assert.equal(await app.page.getAttribute('html', 'lang'), 'en');
  await app.page.getByText('Welcome to Redelivery Lab').waitFor();
  assert.equal((await app.byTestId('play').textContent()).trim(), '▶ Play');
  // English keeps its decimal point.
  assert.match((await app.byTestId('money-overcharged').textContent()).trim(), /^\d+\.\d{2}$/);
  assert.match((await app.byTestId('clock').textContent()).trim(), /^t = [\d,]+\.\d{3} s$/);
  assert.ok(!requests.some((u) => u.includes('locales/')), `no catalogue fetched: ${requests.join(', ')}`);
  await app.context.close();
});

test("the browser's language picks Spanish when the address names none", async () => {
  const app = await open('', { locale: 'es-ES' });
  assert.equal(await app.page.getAttribute('html', 'lang'), 'es');
  assert.equal((await app.byTestId('play').textContent()).trim(), '▶ Reproducir');
  await app.context.close();
});

test('the picker switches language and keeps the run, and the choice is remembered', async () => {
  const app = await open('?locale=en');
  await app.byTestId('lab-select').selectOption('double-payment');
  for (let i = 0; i < 25; i++) await app.byTestId('step').click();
  const clock = await app.byTestId('clock').getAttribute('data-ms');
  const events = await app.page.getAttribute('[data-testid=app]', 'data-events');
  assert.ok(Number(clock) > 0);
  await Promise.all([app.page.waitForNavigation(), app.byTestId('language').selectOption('es')]);
  await app.page.locator('html[lang=es]').waitFor();
  await app.byTestId('app').waitFor();
  assert.equal(await app.page.getAttribute('[data-testid=app]', 'data-lab'), 'double-payment');
  assert.equal(await app.byTestId('clock').getAttribute('data-ms'), clock, 'the same moment of the run');
  assert.equal(await app.page.getAttribute('[data-testid=app]', 'data-events'), events, 'the same events');
  assert.equal((await app.byTestId('step').textContent()).trim(), 'Avanzar ▶');
  // The saved choice applies to a visit whose address names no language.
  await app.page.goto(suite.baseUrl);
  await app.page.locator('html[lang=es]').waitFor();
  assert.equal((await app.byTestId('play').textContent()).trim(), '▶ Reproducir');
  // And back.
  await Promise.all([app.page.waitForNavigation(), app.byTestId('language').selectOption('en')]);
  await app.page.locator('html[lang=en]').waitFor();
  assert.equal((await app.byTestId('play').textContent()).trim(), '▶ Play');
  assert.deepEqual(app.problems, []);
  await app.context.close();
});

test('a catalogue that does not load keeps the page in English and says so in one sentence', async () => {
  const app = await open('?locale=es', {
    route: { url: '**/locales/es.json', handler: (r) => r.fulfill({ status: 404, body: 'not found' }) },
  });
  assert.equal(await app.page.getAttribute('html', 'lang'), 'en');
  const banner = (await app.byTestId('error-banner').textContent()).trim();
  assert.match(banner, /The translation \(locales\/es\.json\) could not be loaded: the server refused it\. The page stays in English\./);
  assert.equal((await app.byTestId('play').textContent()).trim(), '▶ Play');
  // The app works: a step moves the clock.
  await app.byTestId('step').click();
  assert.ok(Number(await app.byTestId('clock').getAttribute('data-ms')) >= 0);
  await app.context.close();
});

test('?locale=es also puts the authors’ page, the audit and the embed in Spanish', async () => {
  const app = await open('?locale=es');
  await app.byTestId('lab-select').selectOption('double-payment');
  await app.byTestId('share-link').click();
  const link = new URL(await app.byTestId('share-url').inputValue()).hash.slice(1);
  const pages = [
    ['tools', `tools.html?locale=es#${link}`, 'Inserta'],
    ['audit', 'audit.html?locale=es#1-gbcrlta-bunm', 'Audita'],
    ['embed', `embed.html?locale=es#${link}`, 'Reproducir'],
  ];
  for (const [name, path, word] of pages) {
    const problems = watchProblems(app.page);
    await app.page.goto(suite.baseUrl + path);
    await app.page.locator('html[lang=es]').waitFor();
    await app.page.getByText(word).first().waitFor();
    await assertNoEnglish(app, name);
    await assertNoBannedTerm(app, name);
    if (name === 'tools') {
      // The snippet and its preview keep the page's language: a Spanish post gets a Spanish frame.
      const src = await app.page.locator('iframe').first().getAttribute('src');
      assert.match(src, /embed\.html\?locale=es#v\d+\./);
      const frame = app.page.frameLocator('iframe').first();
      await frame.locator('html[lang=es]').waitFor();
      await frame.getByText('Reproducir').first().waitFor();
    }
    await shoot(app, `${name}-es-1280x720`);
    assert.deepEqual(problems, [], name);
  }
  await app.context.close();
});
