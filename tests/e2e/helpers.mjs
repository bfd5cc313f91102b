// Shared harness for the end-to-end tests (node:test + playwright-core + the system Chromium).
//
// A test file typically does:
//
//   import { test, before, after } from 'node:test';
//   import { startE2E } from './helpers.mjs';
//   let e2e;
//   before(async () => { e2e = await startE2E(); });
//   after(() => e2e?.close());
//   test('…', async () => {
//     const app = await e2e.open();            // fresh browser context, page at the app, root rendered
//     await app.page.getByTestId('crash-after-commit').click();
//     …
//     await app.screenshot('my-test');         // target/e2e/my-test.png
//     app.assertNoProblems();                  // no page errors, console errors or failed requests
//     await app.close();
//   });
//
// The site under test is E2E_BASE_URL when set (scripts/e2e serves dist/ and sets it); otherwise these
// helpers serve dist/ themselves on a free 127.0.0.1 port, so `node --test tests/e2e/` also works alone
// after ./scripts/build.

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = join(repoRoot, 'dist');
export const screenshotDir = join(repoRoot, 'target', 'e2e');

// playwright-core lives in .tools/ (installed by scripts/setup), not in a package.json of the project.
const requireFromTools = createRequire(join(repoRoot, '.tools', 'package.json'));
const { chromium } = requireFromTools('playwright-core');

/** Chromium flags: no sandbox (CI runs as root), and no background traffic to Google from a test. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium (CHROMIUM or the system one) with CHROMIUM_ARGS and any `extraArgs`. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` read-only on a free 127.0.0.1 port under `prefix` (a subfolder, like a GitHub Pages
 * project site). Resolves to { url, close }.
 */
export async function startStaticServer({ dir = distDir, prefix = '/lab/' } = {}) {
  const rootDir = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!path.startsWith(prefix)) throw Object.assign(new Error('outside prefix'), { code: 'ENOENT' });
      let file = normalize(join(rootDir, path.slice(prefix.length)));
      if (file !== rootDir && !file.startsWith(rootDir + sep)) throw Object.assign(new Error('escape'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok, ko) => server.once('error', ko).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * Records everything that means "the page is broken": uncaught exceptions, console errors, requests that
 * failed at the network level and HTTP error responses.
 */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** Saves a full-page screenshot to target/e2e/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * One browser and one site for a test file. `open()` gives each test a fresh context (no shared storage)
 * with the page loaded and the app root rendered.
 */
export async function startE2E({ viewport = { width: 1280, height: 800 } } = {}) {
  const server = process.env.E2E_BASE_URL ? null : await startStaticServer();
  const baseUrl = process.env.E2E_BASE_URL ?? server.url;
  const browser = await launchBrowser();

  /**
   * Opens the app in a fresh context. `hash`: URL hash to load (share links); `theme`: forced theme;
   * `rootTestId`: the element whose appearance means "the app has rendered".
   */
  async function open({ hash = '', theme, rootTestId = 'app', timeout = 15_000 } = {}) {
    const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const requests = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(baseUrl + (hash ? `#${hash.replace(/^#/, '')}` : ''));
    try {
      await page.getByTestId(rootTestId).first().waitFor({ state: 'visible', timeout });
    } catch (err) {
      // Say why the app did not render (a 404 on the .wasm, a panic…), not only that it timed out.
      await context.close();
      throw new Error(`the app root [data-testid=${rootTestId}] did not appear: ${err.message.split('\n')[0]}\n${problems.join('\n')}`);
    }
    const setTheme = (t) => page.evaluate((v) => document.documentElement.setAttribute('data-theme', v), t);
    if (theme) await setTheme(theme);
    return {
      page,
      context,
      problems,
      /** Every URL the page requested, in order (to prove it talks to nobody but its own site). */
      requests,
      byTestId: (id) => page.getByTestId(id),
      /** Forces a theme (`light`, `dark`, `projector`) through the `data-theme` attribute on <html>. */
      setTheme,
      screenshot: (name) => screenshot(page, name),
      assertNoProblems: () => assert.deepEqual(problems, [], `the page reported problems:\n${problems.join('\n')}`),
      close: () => context.close(),
    };
  }

  return {
    baseUrl,
    browser,
    open,
    async close() {
      await browser.close();
      await server?.close();
    },
  };
}

/**
 * One browser and one site for the whole test file, started in node:test's `before` hook and closed in
 * its `after` hook: call it once at the top level of a test file. The handle works like startE2E's once
 * the tests run (`open()`, `baseUrl`, `browser`).
 */
export function e2eSuite(options) {
  let e2e;
  before(async () => {
    e2e = await startE2E(options);
  });
  after(async () => {
    await e2e?.close();
  });
  return {
    open: (o) => e2e.open(o),
    get baseUrl() {
      return e2e.baseUrl;
    },
    get browser() {
      return e2e.browser;
    },
  };
}

/** The app root once every payment has settled and every panel has drawn it (src/ui/hooks.rs). */
export const settled = (app) => app.page.locator('[data-testid=app][data-settled=true]');

/** Plays at the fastest speed (the slider is logarithmic; End is its maximum) until every payment settles. */
export async function playUntilSettled(app, { timeout = 30_000 } = {}) {
  await app.byTestId('speed').press('End');
  await app.byTestId('play').click();
  await settled(app).waitFor({ timeout });
}

/** The whole number an element shows (asserting it shows nothing else). */
export async function integer(app, testId) {
  const text = (await app.byTestId(testId).textContent()).trim();
  assert.match(text, /^\d+$/, `${testId} is an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Types `value` into a field and commits it with Enter, as a learner does. */
export async function fillAndEnter(app, testId, value) {
  await app.byTestId(testId).fill(String(value));
  await app.byTestId(testId).press('Enter');
}
