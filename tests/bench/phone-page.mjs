// The phone figure's page, shared by tests/bench/phone.mjs (the figure) and phone-trace.mjs (where its
// frames go): 390×844, touch, the lab open at top speed, the CPU throttled `rate`× through the DevTools
// protocol (`Emulation.setCPUThrottlingRate`), Play not yet pressed.

/** Opens `lab` at `url` in a fresh phone-sized context. Resolves to { context, page, cdp }. */
export async function openPhoneLab(browser, url, lab, rate) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-testid="play"]:not([disabled])', { timeout: 30_000 });
  await page.getByTestId('lab-select').selectOption(lab);
  await page.waitForSelector(`[data-testid="app"][data-lab="${lab}"]`);
  await page.getByTestId('speed').evaluate((el) => {
    el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.waitForTimeout(500);
  return { context, page, cdp };
}
