// The embed page (embed.html, issue 16 item 1) as a blog's reader meets it: a host page written here holds
// the embed in an 800×600 and a 360×420 iframe, on another origin than the site (localhost vs 127.0.0.1,
// as a blog on its own domain would be). It plays a pinned run, fits both frames without a scrollbar,
// links back to the full app in the same state, writes nothing to storage, keeps play inside a from/to
// range, follows the host's light/dark preference, and shows one sentence for a broken link.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { screenshotDir, watchProblems } from './helpers.mjs';
import { assertNoScrollbar, extent, startHostSite } from './host-site.mjs';

let hostSite, browser, link, port, snippet;

const FRAMES = [
  { id: 'big', width: 800, height: 600 },
  { id: 'small', width: 360, height: 420 },
];

/** The embed's address on the site's origin. */
const embedUrl = (hash) => `http://127.0.0.1:${port}/lab/embed.html#${hash}`;

/**
 * Writes a host page holding the embed at `hash` in both frames; answers its address: on another origin
 * than the site (as a blog is), or on the same one (`sameOrigin`, where the browser lets the frame keep
 * storage, so a write would land and show).
 */
async function hostPage(name, hash, { sameOrigin = false } = {}) {
  const frames = FRAMES.map((f) =>
    `<iframe id="${f.id}" src="${embedUrl(hash)}" width="${f.width}" height="${f.height}" title="Redelivery Lab run" style="border:0;display:block;margin:8px 0"></iframe>`);
  return hostSite.post(name, `<p>A post about redelivery.</p>${frames.join('')}`, { sameOrigin });
}

/**
 * Opens a host page in a fresh context whose every frame records storage writes, and waits for both
 * embeds to render. Answers { page, frames: {big, small}, problems, context }.
 */
async function openHost(url, { colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 }, colorScheme, reducedMotion: 'reduce' });
  // Every frame, before its own scripts: count every write to localStorage or sessionStorage, and every
  // time the page so much as asks for either (a browser that denies storage to a third-party frame
  // would make a write throw before it counts).
  await context.addInitScript(() => {
    window.__storage = { writes: 0, touches: 0 };
    for (const name of ['setItem', 'removeItem', 'clear']) {
      const original = Storage.prototype[name];
      Storage.prototype[name] = function (...args) {
        window.__storage.writes += 1;
        return original.apply(this, args);
      };
    }
    for (const name of ['localStorage', 'sessionStorage']) {
      const getter = Object.getOwnPropertyDescriptor(window, name)?.get ?? Object.getOwnPropertyDescriptor(Window.prototype, name).get;
      Object.defineProperty(window, name, {
        configurable: true,
        get() {
          window.__storage.touches += 1;
          return getter.call(this);
        },
      });
    }
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url);
  const frames = {};
  for (const f of FRAMES) {
    frames[f.id] = await (await page.$(`#${f.id}`)).contentFrame();
    await frames[f.id].getByTestId('embed').waitFor({ timeout: 15_000 });
  }
  return { page, frames, problems, context };
}

/** Simulated milliseconds the embed shows. */
const now = async (frame) => Number(await frame.getByTestId('embed').getAttribute('data-now'));

before(async () => {
  hostSite = await startHostSite('embed');
  ({ port, browser } = hostSite);
  // A share link made the way an author makes one: lab 2 in the full app, "Share link".
  const context = await browser.newContext();
  const app = await context.newPage();
  await app.goto(`http://127.0.0.1:${port}/lab/`);
  await app.getByTestId('lab-select').selectOption('double-payment');
  await app.getByTestId('share-link').click();
  link = new URL(await app.getByTestId('share-url').inputValue()).hash.slice(1);
  assert.match(link, /^v\d+\./);
  // The snippet an author writes from the share link, as the README shows it.
  snippet = `<iframe src="${embedUrl(link)}" title="Redelivery Lab: The double-payment incident" width="800" height="600" loading="lazy" style="border:0"></iframe>`;
  await context.close();
});

after(async () => {
  await hostSite?.close();
});

test('the README’s iframe snippet for a share link plays the same state, with title, lazy loading and a size', async () => {
  assert.match(snippet, /^<iframe [^<]*><\/iframe>$/, snippet);
  // The snippet as an author pastes it, in a post of its own.
  const post = await hostSite.post('snippet', snippet);
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(post);
    const iframe = page.locator('iframe');
    assert.equal(await iframe.getAttribute('src'), embedUrl(link));
    assert.equal(await iframe.getAttribute('title'), 'Redelivery Lab: The double-payment incident');
    assert.equal(await iframe.getAttribute('loading'), 'lazy');
    assert.equal(await iframe.getAttribute('width'), '800');
    assert.equal(await iframe.getAttribute('height'), '600');
    const frame = await (await iframe.elementHandle()).contentFrame();
    await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
    await assertNoScrollbar(frame, 'the snippet as pasted');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an embed in an 800×600 and a 360×420 frame plays its pinned run without a scrollbar, writes no storage and links back', async () => {
  const host = await openHost(await hostPage('play', link, { sameOrigin: true }));
  try {
    for (const f of FRAMES) {
      const frame = host.frames[f.id];
      const what = `${f.width}×${f.height}`;
      assert.match(await frame.getByTestId('embed-story').textContent(), /double-payment incident/i);
      await assertNoScrollbar(frame, `${what} at the start`);
      assert.equal(await now(frame), 0);
      // The pipeline advances and outcomes appear.
      await frame.getByTestId('play').click();
      await frame.locator('[data-testid=embed][data-playing=true]').waitFor();
      await frame.waitForFunction(() => Number(document.querySelector('[data-testid=total-charged_once]')?.textContent) > 0,
        null, { timeout: 30_000 });
      assert.ok(await now(frame) > 0, `${what}: the clock moved`);
      assert.ok((await frame.getByTestId('rail-step').count()) > 0, `${what}: the step rail is drawn`);
      await frame.getByTestId('play').click();
      await frame.locator('[data-testid=embed][data-playing=false]').waitFor();
      const paused = await now(frame);
      await frame.getByTestId('step').click();
      assert.ok(await now(frame) >= paused, `${what}: Step moves forward`);
      await assertNoScrollbar(frame, `${what} while playing`);
      // Open in Redelivery Lab: the full app, the same state, a new tab without an opener.
      const open = frame.getByTestId('embed-open');
      assert.equal(new URL(await open.getAttribute('href'), frame.url()).href, `http://127.0.0.1:${port}/lab/index.html#${link}`);
      assert.equal(await open.getAttribute('target'), '_blank');
      assert.match(await open.getAttribute('rel'), /\bnoopener\b/);
      // Reset goes back to the pinned moment.
      await frame.getByTestId('reset').click();
      assert.equal(await now(frame), 0);
    }
    for (const f of FRAMES) {
      const frame = host.frames[f.id];
      const stored = await frame.evaluate(() => {
        const { writes, touches } = window.__storage;
        return { writes, touches, local: localStorage.length, session: sessionStorage.length };
      });
      assert.deepEqual(stored, { writes: 0, touches: 0, local: 0, session: 0 }, `${f.id}: the embed used storage`);
    }
    // Following the link opens the full app on the same lab (which keeps its own settings: after the
    // storage check, as it shares this origin's storage).
    const [app] = await Promise.all([host.context.waitForEvent('page'), host.frames.small.getByTestId('embed-open').click()]);
    await app.locator('[data-testid=app][data-lab=double-payment]').waitFor({ timeout: 15_000 });
    await app.close();
    assert.deepEqual(host.problems, []);
  } finally {
    await host.context.close();
  }
});

test('an embed on a blog’s own origin never asks for storage', async () => {
  const host = await openHost(await hostPage('cross-origin', link));
  try {
    for (const f of FRAMES) {
      const frame = host.frames[f.id];
      await frame.getByTestId('play').click();
      await frame.waitForFunction(() => Number(document.querySelector('[data-testid=total-charged_once]')?.textContent) > 0,
        null, { timeout: 30_000 });
      await frame.getByTestId('reset').click();
      assert.deepEqual(await frame.evaluate(() => window.__storage), { writes: 0, touches: 0 }, `${f.id}: the embed used storage`);
    }
    assert.deepEqual(host.problems, []);
  } finally {
    await host.context.close();
  }
});

test('a from/to range opens at its start and keeps play inside it, also on a replay', async () => {
  const [from, to] = [400, 1400];
  const host = await openHost(await hostPage('range', `${link}&from=${from}&to=${to}`));
  try {
    const frame = host.frames.big;
    assert.equal(await now(frame), from);
    assert.match(await frame.getByTestId('clock').textContent(), /0\.400 s – 1\.400 s/);
    const seen = [];
    const sample = setInterval(() => now(frame).then((t) => seen.push(t), () => {}), 40);
    try {
      await frame.getByTestId('play').click();
      // Play stops by itself at the range's end.
      await frame.locator(`[data-testid=embed][data-playing=false][data-now="${to}"]`).waitFor({ timeout: 30_000 });
      await frame.getByTestId('step').click();
      assert.equal(await now(frame), to, 'Step at the end of the range stays there');
      // Play at the end replays the range from its start.
      await frame.getByTestId('play').click();
      await frame.locator('[data-testid=embed][data-playing=true]').waitFor();
      assert.ok(await now(frame) < to);
      await frame.locator(`[data-testid=embed][data-playing=false][data-now="${to}"]`).waitFor({ timeout: 30_000 });
    } finally {
      clearInterval(sample);
    }
    assert.ok(seen.length > 10, `sampled the clock ${seen.length} times`);
    assert.ok(seen.every((t) => t >= from && t <= to), `every moment shown is in ${from}–${to}: ${seen.filter((t) => t < from || t > to)}`);
    await assertNoScrollbar(frame, 'range at its end');
    await assertNoScrollbar(host.frames.small, 'range, small frame');
    assert.deepEqual(host.problems, []);
  } finally {
    await host.context.close();
  }
});

test('a broken link or range shows one sentence in the frame, not a blank page', async () => {
  for (const [name, hash, words] of [
    ['damaged', `${link.slice(0, -3)}xyz`, /share link/],
    ['range', `${link}&from=soon`, /whole number/],
  ]) {
    const host = await openHost(await hostPage(`broken-${name}`, hash));
    try {
      for (const f of FRAMES) {
        const error = host.frames[f.id].getByTestId('embed-error');
        const text = (await error.textContent()).trim();
        assert.match(text, words);
        assert.match(text, /^[^.!?]+[.!?]$/, `one sentence: ${text}`);
        assert.ok(await error.isVisible());
        await assertNoScrollbar(host.frames[f.id], `${name} ${f.id}`);
      }
      assert.deepEqual(host.problems, []);
    } finally {
      await host.context.close();
    }
  }
});

test('the embed follows the host page’s light or dark preference (screenshots of both sizes)', async () => {
  const backgrounds = {};
  const url = await hostPage('theme', link);
  await mkdir(screenshotDir, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    const host = await openHost(url, { colorScheme });
    try {
      const frame = host.frames.big;
      // A moment with something on screen: part-way through the run.
      for (const f of FRAMES) {
        for (let i = 0; i < 12; i++) await host.frames[f.id].getByTestId('step').click();
        await assertNoScrollbar(host.frames[f.id], `${colorScheme} ${f.id} after 12 steps`);
        await (await host.page.$(`#${f.id}`)).screenshot({ path: join(screenshotDir, `embed-${f.width}x${f.height}-${colorScheme}.png`) });
      }
      backgrounds[colorScheme] = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.deepEqual(host.problems, []);
    } finally {
      await host.context.close();
    }
  }
  assert.equal(backgrounds.light, 'rgb(247, 248, 250)');
  assert.equal(backgrounds.dark, 'rgb(15, 18, 23)');
});

/**
 * Every control of the embed in `frame` smaller than 24×24 CSS px of the host page (WCAG 2.2's target
 * size minimum, 2.5.8), as "what w×h" lines: buttons, links, inputs and selects that are drawn. The
 * embed shrinks its content with CSS `zoom` to fit a short frame, so the size is the one drawn.
 */
const smallTargets = (frame) => frame.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button], [tabindex]')]
  .map((el) => ({ el, r: el.getBoundingClientRect() }))
  .filter(({ el, r }) => r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden')
  .filter(({ r }) => r.width < 24 || r.height < 24)
  .map(({ el, r }) => `${el.dataset.testid ?? el.className ?? el.tagName}: ${r.width.toFixed(1)}×${r.height.toFixed(1)} "${el.textContent.trim().slice(0, 30)}"`));

test('every lab’s embed has controls of at least 24×24 px and no scrollbar in both frames, at the start and part-way', async () => {
  const context = await browser.newContext();
  const app = await context.newPage();
  await app.goto(`http://127.0.0.1:${port}/lab/`);
  const labs = await app.getByTestId('lab-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(labs.length >= 13, `only ${labs.length} labs in the list`);
  const links = {};
  for (const lab of labs) {
    await app.getByTestId('lab-select').selectOption(lab);
    await app.locator(`[data-testid=app][data-lab="${lab}"]`).waitFor();
    await app.getByTestId('share-link').click();
    links[lab] = new URL(await app.getByTestId('share-url').inputValue()).hash.slice(1);
  }
  await context.close();
  await mkdir(screenshotDir, { recursive: true });
  // Every fault of every lab, so one run names them all.
  const faults = [];
  for (const lab of labs) {
    const host = await openHost(await hostPage(`targets-${lab}`, links[lab]));
    try {
      for (const f of FRAMES) {
        const frame = host.frames[f.id];
        for (const moment of ['at the start', 'after 25 steps']) {
          if (moment !== 'at the start') for (let i = 0; i < 25; i++) await frame.getByTestId('step').click();
          const what = `${lab} ${f.width}×${f.height} ${moment}`;
          const e = await extent(frame);
          if (e.scrollHeight > e.clientHeight || e.scrollWidth > e.clientWidth) {
            const zoom = await frame.getByTestId('embed').evaluate((m) => m.style.zoom || 'none');
            faults.push(`${what}: content ${e.scrollWidth}×${e.scrollHeight} px in a ${e.clientWidth}×${e.clientHeight} px frame (zoom ${zoom})`);
          }
          for (const small of await smallTargets(frame)) faults.push(`${what}: ${small}`);
        }
        if (lab === 'visibility-timeout' || process.env.EMBED_SHOTS) {
          await (await host.page.$(`#${f.id}`)).screenshot({ path: join(screenshotDir, `embed-${lab}-${f.width}x${f.height}.png`) });
        }
      }
      assert.deepEqual(host.problems, [], lab);
    } finally {
      await host.context.close();
    }
  }
  assert.equal(faults.length, 0, `${faults.length} faults:\n${faults.join('\n')}`);
});
