// Reliability and security of the built site: a strict Content-Security-Policy it satisfies, no network
// beyond its own files, share-link text that never becomes HTML, absurd links refused, and a panic that
// shows an error panel (with working "Copy details") instead of a frozen page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite } from './helpers.mjs';

const e2e = e2eSuite();

test('the page declares a strict CSP, satisfies it, and requests nothing but its own files', async () => {
  const app = await e2e.open();
  try {
    const csp = await app.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp, 'a CSP meta tag is present');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
    // Exercise the app a little, so lazily loaded code paths run under the policy too.
    await app.byTestId('step').click();
    await app.byTestId('play').click();
    await app.page.waitForTimeout(500);
    await app.byTestId('play').click();
    const origin = new URL(e2e.baseUrl).origin;
    const foreign = app.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'no request leaves the site');
    assert.ok(app.requests.some((u) => u.endsWith('.wasm')), 'the wasm came from the site itself');
    app.assertNoProblems(); // a CSP violation would be a console error
  } finally {
    await app.close();
  }
});

test('share-link text never becomes HTML', async () => {
  const payloads = [
    'v1.<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=1</script>',
    encodeURIComponent('<svg onload="window.__pwned=1">'),
  ];
  for (const hash of payloads) {
    const app = await e2e.open({ hash });
    try {
      let dialogs = 0;
      app.page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
      const banner = app.byTestId('error-banner');
      await banner.waitFor();
      assert.match(await banner.textContent(), /share link/i);
      assert.equal(await app.page.locator('img[src="x"], svg[onload], script:not([src]):not([type="module"])').count(), 0);
      assert.equal(await app.page.evaluate(() => window.__pwned ?? 0), 0);
      assert.equal(dialogs, 0);
      // The app still works after the message.
      await app.byTestId('step').click();
    } finally {
      await app.close();
    }
  }
});

test('a link asking for an absurd run is refused with a message, and the app keeps working', async () => {
  const app = await e2e.open();
  const link = await app.page.evaluate(() => window.wasmBindings.bench_share_link(5_000_000, 0));
  await app.close();
  const big = await e2e.open({ hash: link });
  try {
    const banner = big.byTestId('error-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /at most 200000/);
    await big.byTestId('step').click();
    assert.equal(await big.byTestId('app').getAttribute('data-lab'), await big.byTestId('lab-select').inputValue());
  } finally {
    await big.close();
  }
});

test('a panic shows the error panel with the message and a working copy button', async () => {
  const app = await e2e.open();
  try {
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(e2e.baseUrl).origin });
    const thrown = await app.page.evaluate(() => {
      try {
        window.wasmBindings.debug_provoke_panic();
        return false;
      } catch {
        return true;
      }
    });
    assert.ok(thrown, 'the panic surfaced as an exception to its caller');
    const panel = app.byTestId('panic-panel');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('role'), 'alert');
    assert.match(await app.byTestId('panic-details').inputValue(), /provoked on purpose/);
    await app.byTestId('panic-copy').click();
    await app.page.waitForFunction(() => document.querySelector('[data-testid=panic-copy]').textContent === 'Copied');
    assert.match(await app.page.evaluate(() => navigator.clipboard.readText()), /provoked on purpose/);
    await app.screenshot('panic-panel');
  } finally {
    await app.close();
  }
});
