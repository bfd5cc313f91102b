// The site the embed and tools e2e tests stand up: the build under /lab/ and a folder /host/ for the blog
// posts they write, on one static server reached as 127.0.0.1 (the site's origin) or as localhost (another
// origin, as a blog on its own domain is); and the check both make of a frame, that it has no scrollbar.

import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distDir, launchBrowser, startStaticServer } from './helpers.mjs';

/**
 * Serves a fresh site (`name` names its temporary folder) and launches a browser. Answers
 * { site, server, port, browser, post, close }: `post(file, body, { sameOrigin })` writes a post holding
 * `body` and answers its address (on localhost unless `sameOrigin`); `close()` undoes everything, also
 * after a setup that failed half way.
 */
export async function startHostSite(name) {
  const s = {};
  s.close = async () => {
    await s.browser?.close();
    await s.server?.close();
    if (s.site) await rm(s.site, { recursive: true, force: true });
  };
  s.post = async (file, body, { sameOrigin = false } = {}) => {
    await writeFile(join(s.site, 'host', `${file}.html`),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A post</title></head><body>${body}</body></html>`);
    return `http://${sameOrigin ? '127.0.0.1' : 'localhost'}:${s.port}/host/${file}.html`;
  };
  try {
    s.site = await mkdtemp(join(tmpdir(), `${name}-e2e-`));
    await symlink(distDir, join(s.site, 'lab'));
    await mkdir(join(s.site, 'host'));
    s.server = await startStaticServer({ dir: s.site, prefix: '/' });
    s.port = new URL(s.server.url).port;
    s.browser = await launchBrowser();
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

/** The frame document's scroll and client sizes. */
export const extent = (frame) => frame.evaluate(() => {
  const d = document.documentElement;
  return { scrollHeight: d.scrollHeight, clientHeight: d.clientHeight, scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
});

/** Fails when the frame's content is taller or wider than the frame (`what` names it in the message). */
export async function assertNoScrollbar(frame, what) {
  const e = await extent(frame);
  assert.ok(e.scrollHeight <= e.clientHeight, `${what}: content ${e.scrollHeight} px tall in a ${e.clientHeight} px frame`);
  assert.ok(e.scrollWidth <= e.clientWidth, `${what}: content ${e.scrollWidth} px wide in a ${e.clientWidth} px frame`);
}
