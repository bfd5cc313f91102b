// Screenshots of every page to look at by eye (issue 13's "screenshots have been looked at"), not a test:
// scripts/e2e runs tests/e2e/*.test.mjs only, never this folder. Each page at 1280×720, 1920×1080 and
// 390×844 (touch), with a few measurements printed beside each (sideways scroll, boxes past the screen's
// edge, clipped or inner-scrolling boxes, the smallest chart and page text, targets under 24 px).
//
//   ./scripts/build && python3 -m http.server 8947 --directory <a folder holding dist/ as lab/> &
//   BASE=http://127.0.0.1:8947/lab/ OUT=target/screens node tests/e2e/screens/capture.mjs [labs presenter dark phone views tools audit embed]
import { createRequire } from 'node:module';
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const req = createRequire(`${repoRoot}.tools/package.json`);
const { chromium } = req('playwright-core');
const BASE = process.env.BASE ?? 'http://127.0.0.1:8947/lab/';
const OUT = process.env.OUT ?? `${repoRoot}target/screens`;
await mkdir(OUT, { recursive: true });
const LABS = ['first-delivery','double-payment','failure-injection','ack-before-commit','side-effect','visibility-timeout','retry-storm','checklist','expired-key','business-key','sqs-duplicate','commit-timing','effectively-once'];
const DESK = { viewport: { width: 1280, height: 720 } };
const BIG = { viewport: { width: 1920, height: 1080 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const SIZES = { desk: DESK, big: BIG, phone: PHONE };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--no-first-run','--disable-background-networking'] });
const report = [];
const log = (s) => { report.push(s); console.log(s); };

async function ctx(size, more = {}) {
  const c = await browser.newContext({ ...size, reducedMotion: 'reduce', bypassCSP: true, ...more });
  const p = await c.newPage();
  p.on('pageerror', (e) => log(`  PAGEERROR ${e.message}`));
  p.on('console', (m) => { if (m.type() === 'error') log(`  CONSOLE ${m.text()}`); });
  return { c, p };
}
async function measure(p, name, { phone = false } = {}) {
  const r = await p.evaluate((phone) => {
    const out = [];
    const d = document.documentElement;
    if (d.scrollWidth > d.clientWidth) out.push(`page scrolls sideways ${d.scrollWidth}>${d.clientWidth}`);
    const W = d.clientWidth;
    const desc = (el) => (el.dataset?.testid ? `[${el.dataset.testid}]` : '') + el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0,2).join('.') : '') + (el.textContent ? ` "${el.textContent.trim().slice(0,30)}"` : '');
    const visible = (el) => { const s = getComputedStyle(el); if (s.visibility === 'hidden' || s.display === 'none') return false; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    // elements sticking out of the viewport to the right
    let n = 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right > W + 1 && n < 8) {
        // only report if no ancestor scrolls horizontally
        let a = el.parentElement, scrolled = false;
        while (a && a !== document.body) { const s = getComputedStyle(a); if (/(auto|scroll|hidden|clip)/.test(s.overflowX) && a.getBoundingClientRect().right <= W + 1) { scrolled = true; break; } a = a.parentElement; }
        if (!scrolled) { out.push(`sticks out right ${Math.round(r.right)}>${W}: ${desc(el)}`); n++; }
      }
    }
    // clipped / inner-scrolling boxes
    let m = 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el) || m >= 12 || el.classList.contains('visually-hidden') || el.closest('svg')) continue;
      const s = getComputedStyle(el);
      if (s.display === 'inline') continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && !['svg','textarea','input','select','html'].includes(el.tagName.toLowerCase())) {
        const kind = /(auto|scroll)/.test(s.overflowX) ? 'scrolls-x' : (/(hidden|clip)/.test(s.overflowX) ? 'CLIPPED-x' : 'overflows-x');
        out.push(`${kind} ${el.scrollWidth}>${el.clientWidth}: ${desc(el)}`); m++;
      }
      if (el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 0 && /(hidden|clip)/.test(s.overflowY) && !['svg','textarea','input','select'].includes(el.tagName.toLowerCase())) {
        out.push(`CLIPPED-y ${el.scrollHeight}>${el.clientHeight}: ${desc(el)}`); m++;
      }
    }
    // small svg text (on screen px)
    let minFont = 99, minWhere = '';
    for (const t of document.querySelectorAll('svg text')) {
      if (!visible(t)) continue;
      const svg = t.ownerSVGElement; const ctm = t.getScreenCTM(); const fs = parseFloat(getComputedStyle(t).fontSize);
      const px = fs * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
      if (px < minFont) { minFont = px; minWhere = desc(svg.closest('[data-testid]') ?? svg) + ' / ' + t.textContent.slice(0, 20); }
    }
    if (minFont < 99) out.push(`min svg text ${minFont.toFixed(1)}px at ${minWhere}`);
    // small html text
    let minHtml = 99, minHtmlWhere = '';
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el) || el.closest('svg')) continue;
      if (![...el.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) continue;
      const fs = parseFloat(getComputedStyle(el).fontSize);
      if (fs < minHtml) { minHtml = fs; minHtmlWhere = desc(el); }
    }
    out.push(`min html text ${minHtml}px at ${minHtmlWhere}`);
    if (phone) {
      const small = [];
      for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        // inline links inside text are exempt (WCAG 2.5.8 inline exception)
        if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;
        if (r.width < 24 || r.height < 24) small.push(`${desc(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      if (small.length) out.push(`targets <24px (${small.length}): ${small.slice(0, 12).join('; ')}`);
    }
    return out;
  }, phone);
  log(`## ${name}`); for (const l of r) log(`  ${l}`);
}
async function shot(p, name, full = true) {
  // A full-page capture skips content-visibility:auto sections below the viewport; render them for the picture.
  if (full) await p.addStyleTag({ content: '*{content-visibility:visible!important}' }).catch(() => {});
  await p.screenshot({ path: `${OUT}/${name}.png`, fullPage: full });
}
async function openApp(size, hash = '', more = {}) {
  const { c, p } = await ctx(size, more);
  await p.goto(BASE + (hash ? '#' + hash : ''));
  await p.getByTestId('app').waitFor({ timeout: 20000 });
  return { c, p };
}
async function play(p) {
  await p.getByTestId('speed').press('End');
  await p.getByTestId('play').click();
  await p.locator('[data-testid=app][data-settled=true]').waitFor({ timeout: 60000 });
}
async function pickLab(p, lab) {
  await p.getByTestId('lab-select').selectOption(lab);
}
const groups = process.argv.slice(2);
const want = (g) => groups.length === 0 || groups.includes(g);

if (want('labs')) {
  const { c, p } = await openApp(DESK);
  for (const [i, lab] of LABS.entries()) {
    await pickLab(p, lab); await play(p);
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, `lab${String(i + 1).padStart(2, '0')}-${lab}-1280`, false);
    await measure(p, `lab ${i + 1} ${lab} 1280×720`);
  }
  await c.close();
}
if (want('presenter')) {
  for (const lab of ['double-payment', 'retry-storm']) {
    const { c, p } = await openApp(BIG);
    await pickLab(p, lab);
    await p.getByTestId('presenter').click();
    await play(p);
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, `presenter-${lab}-1920`, false);
    await shot(p, `presenter-${lab}-1920-full`, true);
    await measure(p, `presenter ${lab} 1920×1080`);
    await c.close();
  }
}
if (want('dark')) {
  const { c, p } = await openApp(DESK, '', { colorScheme: 'dark' });
  await pickLab(p, 'double-payment'); await play(p);
  await p.evaluate(() => window.scrollTo(0, 0));
  await shot(p, `dark-double-payment-1280`, false);
  await shot(p, `dark-double-payment-1280-full`, true);
  await measure(p, `dark lab 2 1280×720`);
  await c.close();
}
if (want('phone')) {
  const { c, p } = await openApp(PHONE);
  for (const [i, lab] of LABS.entries()) {
    await pickLab(p, lab); await play(p);
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, `phone-lab${String(i + 1).padStart(2, '0')}-${lab}`, false);
    if (i === 1 || i === 6) await shot(p, `phone-lab${String(i + 1).padStart(2, '0')}-${lab}-full`, true);
    await measure(p, `phone lab ${i + 1} ${lab} 390×844`, { phone: true });
  }
  await c.close();
}
if (want('views')) {
  for (const [sz, size] of Object.entries(SIZES)) {
    const { c, p } = await openApp(size);
    await pickLab(p, 'double-payment');
    await p.getByTestId('view-sweep').click();
    await p.getByTestId('sweep-run').click();
    await p.locator('[data-testid=sweep-status][data-done=true]').waitFor({ timeout: 90000 });
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, `sweep-${sz}`, true);
    await measure(p, `sweep ${sz}`, { phone: sz === 'phone' });
    if (sz === 'big') {
      await p.evaluate(() => document.documentElement.setAttribute('data-theme', 'projector'));
      await shot(p, `sweep-big-projector`, true);
      await measure(p, `sweep big projector`);
    }
    await p.getByTestId('view-compare').click();
    await p.getByTestId('compare-end').click();
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, `compare-${sz}`, true);
    await measure(p, `compare ${sz}`, { phone: sz === 'phone' });
    await c.close();
  }
}
let link;
async function getLink() {
  if (link) return link;
  const { c, p } = await openApp(DESK);
  await pickLab(p, 'double-payment'); await play(p);
  await p.getByTestId('share-link').click();
  link = new URL(await p.getByTestId('share-url').inputValue()).hash.slice(1);
  await c.close();
  return link;
}
if (want('tools')) {
  const l = await getLink();
  for (const [sz, size] of Object.entries(SIZES)) {
    const { c, p } = await ctx(size);
    await p.goto(BASE + 'tools.html#' + l);
    await p.getByTestId('tools').waitFor({ timeout: 20000 });
    await p.waitForTimeout(1500);
    await shot(p, `tools-${sz}`, true);
    await shot(p, `tools-${sz}-top`, false);
    await measure(p, `tools ${sz}`, { phone: sz === 'phone' });
    if (sz === 'desk') {
      await p.emulateMedia({ media: 'print' });
      await shot(p, `tools-print`, true);
      await measure(p, `tools print (1280)`);
      await p.getByTestId('pack-kind-both').check().catch(() => {});
      await p.waitForTimeout(500);
      await shot(p, `tools-print-both`, true);
      await p.emulateMedia({ media: 'screen' });
    }
    await c.close();
  }
}
if (want('audit')) {
  for (const [sz, size] of Object.entries(SIZES)) {
    const { c, p } = await ctx(size);
    await p.goto(BASE + 'audit.html#1-gbcrlta-bunm');
    await p.waitForTimeout(2500);
    await shot(p, `audit-${sz}`, true);
    await shot(p, `audit-${sz}-top`, false);
    await measure(p, `audit ${sz}`, { phone: sz === 'phone' });
    await c.close();
  }
}
if (want('embed')) {
  const l = await getLink();
  for (const [w, h] of [[360, 420], [800, 600]]) {
    for (const scheme of ['light', 'dark']) {
      const { c, p } = await ctx({ viewport: { width: w + 40, height: h + 40 } }, { colorScheme: scheme });
      await p.setContent(`<!doctype html><body style="margin:20px"><iframe src="${BASE}embed.html#${l}" width="${w}" height="${h}" style="border:0;display:block" title="t"></iframe></body>`);
      const f = await (await p.$('iframe')).contentFrame();
      await f.getByTestId('embed').waitFor({ timeout: 20000 });
      await f.getByTestId('play').click(); await p.waitForTimeout(3000);
      await shot(p, `embed-${w}x${h}-${scheme}`, false);
      const r = await f.evaluate(() => { const d = document.documentElement; return `scroll ${d.scrollWidth}x${d.scrollHeight} client ${d.clientWidth}x${d.clientHeight}`; });
      log(`## embed ${w}x${h} ${scheme}: ${r}`);
      // measure inside frame
      const sub = await f.evaluate(() => {
        const out = []; let minFont = 99; let where='';
        for (const t of document.querySelectorAll('svg text')) { const ctm = t.getScreenCTM(); const px = parseFloat(getComputedStyle(t).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1); if (px < minFont) { minFont = px; where = t.textContent; } }
        out.push(`min svg text ${minFont.toFixed(1)} (${where})`);
        const small = [];
        for (const el of document.querySelectorAll('a[href], button, input, select')) { const r = el.getBoundingClientRect(); if (r.width && (r.width < 24 || r.height < 24)) small.push(`${el.dataset.testid ?? el.tagName} ${Math.round(r.width)}×${Math.round(r.height)}`); }
        out.push(`targets<24: ${small.join('; ')}`);
        for (const el of document.body.querySelectorAll('*')) { const s = getComputedStyle(el); if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && s.display !== 'inline' && el.tagName !== 'svg') out.push(`x-overflow ${el.scrollWidth}>${el.clientWidth} ${el.dataset.testid ?? el.className}`); }
        return out;
      });
      for (const s of sub) log(`  ${s}`);
      await c.close();
    }
  }
}
await writeFile(`${OUT}/report-${groups.join('-') || 'all'}.txt`, report.join('\n') + '\n');
await browser.close();
