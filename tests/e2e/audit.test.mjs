// "Audit my consumer" (audit.html, issue 16 item 3) as an engineer uses it: describe a handler that
// charges the card before its transaction begins and read the after-charge duplicate and why it happens;
// build the correct handler from the keyboard and see every case pass; paste the permalink and get the
// same audit back; a damaged permalink gets one sentence and the default form; axe-core finds no serious
// or critical violation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eSuite, repoRoot, screenshot, watchProblems } from './helpers.mjs';

const e2e = e2eSuite({ viewport: { width: 1280, height: 800 } });

/** The handler of the issue: charge, then begin, check, record (unique), ledger, commit, ack; no key. */
const CHARGE_FIRST = '1-gbcrlta-bunm';

/** Opens audit.html (with `hash`, if given) in a fresh context; answers { page, problems, close }. */
async function openAudit(hash = '', { colorScheme = 'light', bypassCSP = false, viewport = { width: 1280, height: 800 }, ...more } = {}) {
  const context = await e2e.browser.newContext({ viewport, colorScheme, bypassCSP, reducedMotion: 'reduce', ...more });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${e2e.baseUrl}audit.html${hash ? `#${hash}` : ''}`);
  await page.getByTestId('audit-report').waitFor({ timeout: 15_000 });
  return { page, problems, close: () => context.close() };
}

/** The step names the form lists, in order. */
const steps = (page) => page.locator('[data-testid=audit-steps] > li').evaluateAll((lis) => lis.map((li) => li.dataset.testid.replace('audit-step-', '')));
/** The verdict word of a row. */
const verdict = (page, id) => page.getByTestId(`audit-row-${id}`).getAttribute('data-verdict');
/** The hash of the address bar, without '#'. */
const hash = (page) => page.evaluate(() => location.hash.slice(1));

test('a handler that charges before its transaction begins shows the after-charge duplicate and why', async () => {
  const a = await openAudit();
  const { page } = a;
  try {
    assert.deepEqual(await steps(page), ['charge', 'ledger', 'ack'], 'the form starts from the tutorial handler');
    await page.getByTestId('audit-preset').selectOption('charge-before-begin');
    assert.deepEqual(await steps(page), ['charge', 'begin', 'check', 'record', 'ledger', 'commit', 'ack']);
    // Crash right after receiving: nothing happened yet, the redelivery does it all once.
    assert.equal(await verdict(page, 'crash-0'), 'safe');
    // Crash after the charge (the boundary after step 1): charged twice, recorded once.
    const row = page.getByTestId('audit-row-crash-1');
    assert.equal(await verdict(page, 'crash-1'), 'duplicate');
    assert.deepEqual(await row.locator('td').allTextContents(), ['2', '1', 'duplicate']);
    assert.match(await row.locator('th').textContent(), /^crash after “charge the card”$/);
    const why = await page.getByTestId('audit-why-crash-1').textContent();
    assert.match(why, /The consumer crashed after “charge the card”\./);
    assert.match(why, /charge runs before the handler looks for its idempotency record and sends no idempotency key/);
    assert.match(why, /Fix: send the business id as the gateway's idempotency key/);
    assert.match(await page.getByTestId('audit-headline').textContent(), /^\d+ cases fail/);
    // The address bar is the permalink, and the link on the page says so.
    assert.equal(await hash(page), CHARGE_FIRST);
    assert.equal(await page.getByTestId('audit-permalink').getAttribute('href'), `#${CHARGE_FIRST}`);
    assert.ok((await page.getByTestId('audit-permalink').textContent()).endsWith(`audit.html#${CHARGE_FIRST}`));
    await screenshot(page, 'audit-charge-first');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.close();
  }
});

test('the correct handler, built from the keyboard, passes every case', async () => {
  const a = await openAudit();
  const { page } = a;
  try {
    // From charge, ledger, ack: add begin, check, record and commit with the keyboard (each button
    // focused and pressed with Enter or Space), then move each into place.
    const press = async (testIdOrLocator, key = 'Enter') => {
      const el = typeof testIdOrLocator === 'string' ? page.getByTestId(testIdOrLocator) : testIdOrLocator;
      await el.focus();
      await page.keyboard.press(key);
    };
    for (const step of ['begin', 'check', 'record', 'commit']) await press(`audit-add-${step}`, step === 'check' ? ' ' : 'Enter');
    assert.deepEqual(await steps(page), ['charge', 'ledger', 'ack', 'begin', 'check', 'record', 'commit']);
    // Move a step earlier with its labelled button until it sits at `to`; the focus stays on it.
    const moveTo = async (name, to) => {
      for (;;) {
        const at = (await steps(page)).indexOf(name);
        if (at <= to) return;
        const item = page.getByTestId(`audit-step-${name}`);
        await item.getByRole('button', { name: /earlier/ }).focus();
        await page.keyboard.press('Enter');
        // The focus stays on the moved step's arrow, or on its other arrow once it reached the top.
        const arrow = at - 1 === 0 ? /later/ : /earlier/;
        assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
          await item.getByRole('button', { name: arrow }).getAttribute('aria-label'), 'the focus follows the moved step');
      }
    };
    await moveTo('begin', 0);
    await moveTo('check', 1);
    await moveTo('record', 2);
    await moveTo('commit', 5);
    assert.deepEqual(await steps(page), ['begin', 'check', 'record', 'charge', 'ledger', 'commit', 'ack']);
    // The keys, picked with the keyboard on labelled selects.
    for (const [id, label] of [['audit-record-check', 'A second record is stopped by'], ['audit-gateway-key', "The card gateway's idempotency key"]]) {
      assert.equal(await page.getByLabel(label).getAttribute('data-testid'), id, `${id} has its label`);
    }
    await page.getByLabel('A second record is stopped by').selectOption('unique_constraint');
    await page.getByLabel("The card gateway's idempotency key").selectOption('business_id');
    assert.equal(await hash(page), '1-bcrglta-bubm');
    assert.match(await page.getByTestId('audit-headline').textContent(), /^Every case passes/);
    const verdicts = await page.locator('[data-testid^=audit-row-]').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
    assert.equal(verdicts.length, 7 + 1 + 3, 'every boundary, the lost ack, the republish, the race');
    assert.deepEqual([...new Set(verdicts)], ['safe']);
    assert.equal(await page.getByTestId('audit-whys').count(), 0);
    // An impossible order gets its one sentence instead of a table.
    await press(page.getByTestId('audit-step-begin').getByRole('button', { name: /Remove/ }));
    assert.match(await page.getByTestId('audit-invalid').textContent(), /^The handler commits without beginning a transaction/);
    assert.equal(await page.getByTestId('audit-table').count(), 0);
    assert.deepEqual(a.problems, []);
  } finally {
    await a.close();
  }
});

test('the permalink reopens the audit, also when pasted over the page; a damaged one gets a sentence', async () => {
  const a = await openAudit(CHARGE_FIRST);
  const { page } = a;
  try {
    assert.deepEqual(await steps(page), ['charge', 'begin', 'check', 'record', 'ledger', 'commit', 'ack']);
    assert.equal(await verdict(page, 'crash-1'), 'duplicate');
    assert.equal(await page.getByTestId('audit-link-error').count(), 0);
    // Another permalink pasted into the address bar of the open page (only the hash changes).
    await page.evaluate(() => { location.hash = '1-bcrglta-bubm'; });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=audit-steps] > li').length === 7
      && document.querySelector('[data-testid=audit-steps] > li').dataset.testid === 'audit-step-begin');
    assert.match(await page.getByTestId('audit-headline').textContent(), /^Every case passes/);
    assert.deepEqual(a.problems, []);
  } finally {
    await a.close();
  }
  for (const damaged of ['1-gbxrlta-bunm', 'garbage', '1-glta-bcnm']) {
    const b = await openAudit(damaged);
    try {
      const sentence = (await b.page.getByTestId('audit-link-error').textContent()).trim();
      assert.ok(sentence.endsWith('.') && !/\.\s+\S/.test(sentence), `one sentence: ${sentence}`);
      assert.deepEqual(await steps(b.page), ['charge', 'ledger', 'ack'], 'the default form');
      assert.ok(await b.page.getByTestId('audit-table').isVisible(), 'and its audit');
      assert.deepEqual(b.problems, []);
    } finally {
      await b.close();
    }
  }
});

const axeSource = () =>
  readFile(createRequire(join(repoRoot, '.tools', 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

test('axe finds no serious or critical violation on the audit page, light and dark, failing and passing', async () => {
  const found = {};
  for (const [name, h, colorScheme] of [['failing-light', CHARGE_FIRST, 'light'], ['failing-dark', CHARGE_FIRST, 'dark'], ['passing-light', '1-bcrglta-bubm', 'light'], ['damaged', 'nope', 'light']]) {
    // The page's CSP forbids injected scripts (as it should): this context alone bypasses it for axe.
    const a = await openAudit(h, { colorScheme, bypassCSP: true });
    try {
      await a.page.addScriptTag({ content: await axeSource() });
      const results = await a.page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      found[name] = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')}`));
      await screenshot(a.page, `audit-axe-${name}`);
    } finally {
      await a.close();
    }
  }
  assert.deepEqual(found, { 'failing-light': [], 'failing-dark': [], 'passing-light': [], damaged: [] });
});

test('on a phone and at 1920×1080 the report reads without a sideways swipe, the steps are numbered and the auto-ack box sits beside its label', async () => {
  const sizes = [
    ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ['phone-360', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }],
    ['1920', { viewport: { width: 1920, height: 1080 } }],
  ];
  for (const [name, options] of sizes) {
    const a = await openAudit(CHARGE_FIRST, options);
    try {
      const m = await a.page.evaluate(() => {
        const wrap = document.querySelector('.audit__table-wrap');
        const box = (el) => el.getBoundingClientRect();
        const check = document.querySelector('[data-testid=audit-auto-ack]');
        const label = document.querySelector('label[for=audit-auto-ack]');
        const verdicts = [...document.querySelectorAll('[data-testid=audit-table] td:last-child')].map((td) => box(td).right);
        return {
          page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          table: [wrap.scrollWidth, wrap.clientWidth],
          verdictRight: Math.max(...verdicts),
          wrapRight: box(wrap).right,
          checkTop: box(check).top,
          checkBottom: box(check).bottom,
          labelTop: box(label).top,
          numbers: [...document.querySelectorAll('[data-testid=audit-steps] > li')].map((li) => getComputedStyle(li, '::before').content),
        };
      });
      // Before: the table was 389 px in a 324 px box on a 390 px phone, the verdict column cut off.
      assert.ok(m.page[0] <= m.page[1], `${name}: the page scrolls sideways ${m.page}`);
      assert.ok(m.table[0] <= m.table[1], `${name}: the case table is ${m.table[0]} px wide in a ${m.table[1]} px box`);
      assert.ok(m.verdictRight <= m.wrapRight + 0.5, `${name}: the verdict column ends at ${m.verdictRight}, its box at ${m.wrapRight}`);
      // Before: the label dropped below its checkbox.
      assert.ok(m.labelTop < m.checkBottom, `${name}: the auto-ack label starts at ${m.labelTop}, below its box (${m.checkTop}–${m.checkBottom})`);
      // The <ol>'s items are flex boxes (no marker): the numbers come from a counter.
      assert.equal(m.numbers.length, 7);
      assert.ok(m.numbers.every((c) => /counter\(audit-step\)/.test(c)), `${name}: the steps show their order: ${m.numbers}`);
      await screenshot(a.page, `audit-report-${name}`);
      assert.deepEqual(a.problems, []);
    } finally {
      await a.close();
    }
  }
});

test('the app links to the audit page from its sweep view', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems = watchProblems(page);
  try {
    await page.goto(e2e.baseUrl);
    await page.getByTestId('view-sweep').click();
    const link = page.getByTestId('sweep-audit');
    assert.equal(await link.getAttribute('href'), 'audit.html');
    await link.click();
    await page.getByTestId('audit-report').waitFor({ timeout: 15_000 });
    assert.ok(page.url().includes('/audit.html'), page.url());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
