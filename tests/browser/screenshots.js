#!/usr/bin/env node
// `make screenshots`: the main pages at phone (360 px) and desktop (1280 px) width, from the
// demo data (`ticketd demo`), into docs/screenshots/. German, the portal's default language;
// one page also in dark mode. Fails when a page raises a console error or CSP violation.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, Server, launch, Guard } = require('./lib');

const OUT = path.join(ROOT, 'docs', 'screenshots');
const CUSTOMER = { login: 'K-10001', password: 'Kunde-Demo-123' };
const AGENT = { login: 'mkoch', password: 'Team-Demo-123' };
const ADMIN = { login: 'pbraun', password: 'Team-Demo-123' };

const DEVICES = {
  phone: { viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, maxHeight: 1400 },
  desktop: { viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1, maxHeight: 1150 },
};

async function session(browser, device, who, realm, scheme = 'light') {
  const { maxHeight, ...options } = DEVICES[device];
  const context = await browser.newContext({ ...options, locale: 'de-DE', colorScheme: scheme });
  const guard = await Guard.attach(context);
  const page = await context.newPage();
  if (who) {
    const loginPath = realm === 'staff' ? '/staff/login' : '/login';
    await page.goto(`${server.base}${loginPath}`);
    await page.fill('#login', who.login);
    await page.fill('#password', who.password);
    await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  }
  return { context, page, guard, maxHeight };
}

async function shoot(s, p, name, prepare) {
  const { page, guard, maxHeight } = s;
  const res = await page.goto(`${server.base}${p}`);
  if (res.status() !== 200) throw new Error(`${p}: status ${res.status()}`);
  if (prepare) await prepare(page);
  await page.evaluate(() => document.fonts && document.fonts.ready);
  // Let the buttons' colour transitions finish.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const width = page.viewportSize().width;
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y: 0, width, height: Math.min(height, maxHeight) },
    animations: 'disabled',
    caret: 'hide',
  });
  await guard.check(`${name} (${p})`);
  console.log(`  ${path.relative(ROOT, file)}`);
}

let server;

(async () => {
  let code = 0;
  let browser;
  try {
    server = await new Server({
      demo: true,
      toml: '[portal]\ntitle = "Muster IT-Service"\nlogin_text = "Willkommen im Kundenportal der Muster IT-Service GmbH."',
    }).start();
    // German browser-drawn controls too (the file input's button), from chromium-l10n.
    browser = await launch({ args: ['--lang=de-DE'], env: { LANGUAGE: 'de', LANG: 'de_DE.UTF-8' } });
    fs.mkdirSync(OUT, { recursive: true });

    // The customer's ticket with the richest history makes the best detail picture.
    const probe = await session(browser, 'desktop', CUSTOMER, 'customer');
    await probe.page.goto(`${server.base}/tickets`);
    const ticket = await probe.page.$$eval('table.tickets tbody tr[data-ticket]', (rows) => {
      const best = rows
        .map((r) => ({ no: r.getAttribute('data-ticket'), n: Number(r.getAttribute('data-activities')), st: r.getAttribute('data-status') }))
        .filter((r) => r.st !== 'closed')
        .sort((a, b) => b.n - a.n)[0] || { no: rows[0].getAttribute('data-ticket') };
      return best.no;
    });
    await probe.context.close();

    for (const device of ['phone', 'desktop']) {
      console.log(`${device}:`);
      const anon = await session(browser, device, null);
      await shoot(anon, '/login', `login-${device}`);
      await anon.context.close();

      const customer = await session(browser, device, CUSTOMER, 'customer');
      await shoot(customer, '/tickets', `overview-${device}`);
      await shoot(customer, `/tickets/${ticket}`, `ticket-${device}`);
      await shoot(customer, '/tickets/new', `new-ticket-${device}`);
      await shoot(customer, '/account/time', `time-statement-${device}`);
      await customer.context.close();

      const agent = await session(browser, device, AGENT, 'staff');
      // The queue as it opens: the active view.
      await shoot(agent, '/staff/tickets', `staff-queue-${device}`);
      await shoot(agent, `/staff/tickets/${ticket}`, `staff-ticket-${device}`);
      await agent.context.close();

      const admin = await session(browser, device, ADMIN, 'staff');
      await shoot(admin, `/staff/hotline?q=${CUSTOMER.login}`, `hotline-${device}`);
      await admin.context.close();

      const dark = await session(browser, device, CUSTOMER, 'customer', 'dark');
      await shoot(dark, `/tickets/${ticket}`, `ticket-dark-${device}`);
      await dark.context.close();
    }
  } catch (e) {
    console.error(e && e.stack ? e.stack : e);
    if (server) console.error(server.logText().split('\n').slice(-20).join('\n'));
    code = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
  }
  process.exit(code);
})();
