// Smoke test of the built site: it loads from a subfolder, the WebAssembly app mounts, nothing errors.
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

test('the app renders from a subfolder without errors', async () => {
  const app = await e2e.open();
  try {
    assert.equal(await app.page.title(), 'Redelivery Lab');
    assert.ok(await app.byTestId('app').isVisible(), 'the app root is visible');
    await app.screenshot('smoke');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});

test('the projector theme renders without errors', async () => {
  const app = await e2e.open({ theme: 'projector' });
  try {
    const px = await app.page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.ok(px >= 20, `the projector theme uses large type (root font size ${px}px)`);
    await app.screenshot('smoke-projector');
    app.assertNoProblems();
  } finally {
    await app.close();
  }
});
