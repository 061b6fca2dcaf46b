#!/usr/bin/env node
// The browser suite: a real ticketd (demo data plus accounts made with the CLI) and Debian's
// chromium. Flows with and without JavaScript, axe-core on every page in German and English
// (light and dark), keyboard use, and layouts at 360/768/1280 px. Every page load and action
// is checked for console errors, page errors and CSP violations. The agent's morning (queue,
// unread mark, snippet and status in one submit, follow-up) runs with and without JavaScript at
// 360 and 1280 px; mail comes in through `ticketd mail receive` on the server's own config and
// database. Pages seen without JavaScript are checked by axe as they were shown (`axeAsShown`).
//
//   node run.js                  (TICKETD_BIN=… to pick the binary, CHROMIUM=… the browser)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, assert, Server, launch, newPage, axe, formatViolations, Runner, freePort, SmtpSink } = require('./lib');

// ------------------------------------------------------------------------------ fixtures

const DEMO_CUSTOMER = { login: 'K-10001', password: 'Kunde-Demo-123' };
const NEW_CUSTOMER_PASSWORD = 'Brot-und-Butter-2026';
const ANNA = {
  number: '10012',
  name: 'Anna Beispiel',
  email: 'anna@beispiel.example',
  password: 'apfel-geheim-2024',
};
const ADA = { username: 'ada', email: 'ada@contractor.example', password: 'lavendel-admin-passwort' };
const CONTACT = { name: 'Clara Kollegin', email: 'clara@beispiel.example', password: 'Wolken-ueber-Berlin-7' };
const AGENT = { username: 'sophie', name: 'Sophie Sommer', email: 'sophie@contractor.example', password: 'Sonnen-Agentin-77' };

// A 1×1 PNG.
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const TICKET_NO = /^\d{4}-\d{5}$/;
// Ticket numbers and month filters follow the portal's time zone (the default, Europe/Berlin).
const THIS_YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(new Date());
const WIDTHS = [360, 768, 1280];

const run = new Runner();
const axeRows = []; // { label, path, results: { 'de': n, 'en': n, 'de dark': n, 'en dark': n } }
let server;
let browser;

// ------------------------------------------------------------------------------ helpers

function url(p) {
  return `${server.base}${p}`;
}

async function go(page, guard, p, { status = 200 } = {}) {
  if (status !== 200) guard.allow(new RegExp(`status of ${status}`));
  const res = await page.goto(url(p));
  assert.equal(res.status(), status, `GET ${p}`);
  await guard.check(`GET ${p}`);
}

/// Clicks and waits for the navigation it starts (a form post answered with a redirect).
async function submitAndWait(page, clickSelector) {
  await Promise.all([page.waitForNavigation(), page.click(clickSelector)]);
}

/// The composer's send button for a kind: the only one shown (each names its action), then
/// the submit. The kind comes from the radio buttons; the button only names it.
async function composerSend(page, kind, label) {
  const shown = await page.$$eval('#composer .send-buttons button', (bs) =>
    bs.filter((b) => b.offsetParent !== null).map((b) => [b.getAttribute('data-send-for'), b.textContent.trim()]),
  );
  assert.deepEqual(shown, [[kind, label]], `the composer shows one button for ${kind}`);
  await submitAndWait(page, `#composer button[data-send-for="${kind}"]`);
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).trim();
}

async function notice(page) {
  return text(page, 'main .notice.success');
}

async function loginCustomer(page, guard, login, password) {
  await go(page, guard, '/login');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await submitAndWait(page, 'main form button[type="submit"]');
  assert.match(new URL(page.url()).pathname, /^\/tickets/, 'after login the overview opens');
  await guard.check('customer login');
}

async function loginStaff(page, guard, username, password) {
  await go(page, guard, '/staff/login');
  await page.fill('#login', username);
  await page.fill('#password', password);
  await submitAndWait(page, 'main form button[type="submit"]');
  await guard.check('staff login');
}

/// The RFC 6238 code (HMAC-SHA-1, 6 digits) of a base32 secret for a 30-second time step.
function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = require('node:crypto').createHmac('sha1', key).update(msg).digest();
  const n = (h.readUInt32BE(h[19] & 0xf) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

async function logout(page, guard) {
  await submitAndWait(page, 'form.logout button[type="submit"]');
  await guard.check('logout');
}

/// Files dropped on the upload area, as a person dragging them from the desktop would.
async function dropFiles(page, zoneSelector, files) {
  return page.evaluate(
    ({ zoneSelector, files }) => {
      const zone = document.querySelector(zoneSelector);
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: f.type }));
      const fire = (type) =>
        zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
      fire('dragenter');
      fire('dragover');
      const highlighted = zone.classList.contains('is-dragover');
      fire('drop');
      const input = zone.querySelector('input[type="file"]');
      return {
        highlighted,
        stillHighlighted: zone.classList.contains('is-dragover'),
        files: Array.from(input.files).map((f) => f.name),
      };
    },
    { zoneSelector, files },
  );
}

async function ticketNumberFromPage(page) {
  const m = new URL(page.url()).pathname.match(/\/tickets\/(\d{4}-\d{5})$/);
  assert.ok(m, `a ticket URL: ${page.url()}`);
  const shown = await text(page, '.ticket-number strong');
  assert.equal(shown, m[1], 'the number is shown at the top');
  assert.match(shown, TICKET_NO);
  assert.equal(shown.slice(0, 4), THIS_YEAR, 'numbered in this year');
  return shown;
}

async function activityKinds(page) {
  return page.$$eval('ol.activities > li.activity', (els) => els.map((e) => e.getAttribute('data-activity-kind')));
}

/// The count line of a list ("17 Tickets") as a number.
async function listCount(page) {
  const t = await text(page, '.summary .count');
  const m = t.match(/\d+/);
  assert.ok(m, `a count in "${t}"`);
  return Number(m[0]);
}

/// An option label "2024 (17)" → 17.
function optionCount(label) {
  const m = label.match(/\((\d+)\)\s*$/);
  assert.ok(m, `a count in option "${label}"`);
  return Number(m[1]);
}

async function checkErrorsAnnounced(page, field) {
  const live = await page.$eval('.form-errors', (el) => el.getAttribute('aria-live'));
  assert.ok(live === 'assertive' || live === 'polite', 'the error summary is a live region');
  assert.ok(await page.isVisible('.form-errors [role="alert"]'), 'the error summary is shown');
  const info = await page.$eval(`#${field}`, (el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    return {
      invalid: el.getAttribute('aria-invalid'),
      described: ids.map((id) => (document.getElementById(id) || { textContent: '' }).textContent.trim()),
      errorId: ids.find((id) => id.startsWith('err-')),
    };
  });
  assert.equal(info.invalid, 'true', `#${field} is marked invalid`);
  assert.ok(info.errorId, `#${field} is described by its error`);
  assert.ok(info.described.some((t) => t.length > 0), `#${field}'s error has text`);
}

// ------------------------------------------------------------------------------ checks used on many pages

/// Every visible form control has an accessible name from a label, aria-label or
/// aria-labelledby.
async function unlabelledControls(page) {
  return page.$$eval('input, select, textarea', (els) =>
    els
      .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
      .filter((el) => {
        const byLabel = el.labels && Array.from(el.labels).some((l) => l.textContent.trim());
        const aria = (el.getAttribute('aria-label') || '').trim();
        const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
        const byIds = ids.some((id) => document.getElementById(id));
        return !(byLabel || aria || byIds);
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    if (doc.scrollWidth <= window.innerWidth) return null;
    // Name the widest culprits to make a failure actionable.
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
    return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide };
  });
}

/// A visible focus indicator on the focused element: an outline or a box shadow on the
/// element, its ::after/::before (table rows use a pseudo-element ring), or the label that
/// wraps it (the radio pills).
async function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { none: true };
    const visible = (cs) =>
      (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none');
    const where = [
      [el, null],
      [el, '::after'],
      [el, '::before'],
    ];
    const label = el.closest('label');
    if (label) where.push([label, null]);
    const ok = where.some(([node, pseudo]) => visible(getComputedStyle(node, pseudo)));
    const r = el.getBoundingClientRect();
    return {
      ok,
      desc: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}"`,
      onScreen: r.width > 0 && r.height > 0,
    };
  });
}

/// Tabs through the page and requires a visible focus indicator at every stop.
async function tabThrough(page, max = 60) {
  await page.evaluate(() => {
    document.activeElement && document.activeElement.blur && document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  const missing = [];
  let stops = 0;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusIndicator(page);
    if (f.none) break;
    stops++;
    if (!f.ok) missing.push(f.desc);
  }
  return { stops, missing };
}

// ------------------------------------------------------------------------------ accessibility pass

/// Light or dark (`prefers-color-scheme`), after the buttons' colour transitions have run, so
/// axe measures the colours a person sees and not a frame halfway between the two schemes.
async function setScheme(page, scheme) {
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))).then(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    ),
  );
}

/// axe-core in German and English, light and dark; layout at three widths; labels.
async function auditPage(page, guard, label, p, { status = 200 } = {}) {
  const row = { label, path: p, results: {} };
  axeRows.push(row);
  const problems = [];
  for (const lang of ['de', 'en']) {
    const sep = p.includes('?') ? '&' : '?';
    await go(page, guard, `${p}${sep}lang=${lang}`, { status });
    const htmlLang = await page.getAttribute('html', 'lang');
    assert.equal(htmlLang, lang, `${p}: <html lang> follows ?lang=`);
    for (const scheme of ['light', 'dark']) {
      await setScheme(page, scheme);
      const { violations: v, contrast } = await axe(page);
      const key = scheme === 'light' ? lang : `${lang} dark`;
      row.results[key] = v.length;
      if (v.length) problems.push(`axe, ${key}:\n${formatViolations(v)}`);
      if (contrast.length) problems.push(`contrast behind images/gradients, ${key}:\n  ${contrast.join('\n  ')}`);
    }
    await setScheme(page, 'light');
    const unlabelled = await unlabelledControls(page);
    if (unlabelled.length) problems.push(`${lang}: unlabelled controls: ${unlabelled.join(', ')}`);
    const original = page.viewportSize();
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: 800 });
      const o = await horizontalOverflow(page);
      if (o) problems.push(`${lang} at ${w}px: horizontal overflow ${JSON.stringify(o)}`);
    }
    await page.setViewportSize(original);
    await guard.check(`${p} (${lang})`);
  }
  assert.equal(problems.length, 0, `${label} (${p}):\n${problems.join('\n')}`);
}


// ------------------------------------------------------------------------------ the agent's morning (issue 19)

/// axe on a page as a browser without JavaScript shows it: axe needs scripts, so the page's
/// HTML is served once more to a JavaScript context whose own scripts (app.js) are left out,
/// with the real stylesheet. Light and dark; the result goes into the table.
async function axeAsShown(page, label, p) {
  const html = await page.content();
  const viewport = page.viewportSize();
  const context = await browser.newContext({ viewport, locale: 'de-DE' });
  try {
    const copy = await context.newPage();
    const at = new URL(page.url());
    await context.route((u) => u.pathname.endsWith('.js'), (r) => r.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
    await context.route((u) => u.pathname === at.pathname && u.search === at.search, (r) =>
      r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.goto(page.url());
    // The same page, styled: its heading, and the stylesheet's rules in force.
    assert.equal(await text(copy, 'h1'), await text(page, 'h1'), `${label}: the copy shows the page`);
    const rules = await copy.evaluate(() => Array.from(document.styleSheets).reduce((n, sh) => n + sh.cssRules.length, 0));
    assert.ok(rules > 100, `${label}: the stylesheet applies (${rules} rules)`);
    await recordAxeClean(copy, label, p);
  } finally {
    await context.close();
  }
}

/// axe (light and dark) on the page as it is, into the table; fails on any violation.
async function recordAxeClean(page, label, p) {
  const lang = (await page.getAttribute('html', 'lang')) || 'de';
  await recordAxe(page, label, p, lang);
  const row = axeRows.find((r) => r.label === label);
  assert.equal(row.details, '', `axe on ${label}:\n${row.details}`);
}

async function noOverflow(page, what) {
  const o = await horizontalOverflow(page);
  assert.equal(o, null, `${what}: horizontal overflow ${JSON.stringify(o)}`);
}

/// A date `days` ahead in the portal's time zone, as a date field takes it (YYYY-MM-DD).
function isoDateAhead(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86400000),
  );
}

/// An agent's morning: the customer has written; the agent opens the queue (active tickets),
/// sees the ticket marked unread, answers with a snippet and "Wartet auf Kunde" in one submit,
/// and puts it on follow-up. With or without JavaScript, at one viewport width; axe on every
/// page on the way.
async function agentMorning({ js, width }) {
  const tag = `${js ? 'JS' : 'no JS'}, ${width} px`;
  const who = await newPage(browser);
  const staff = await newPage(browser, { javaScriptEnabled: js, viewport: { width, height: 800 } });
  try {
    // The customer writes (a new ticket).
    await loginCustomer(who.page, who.guard, ANNA.email, ANNA.password);
    await go(who.page, who.guard, '/tickets/new');
    await who.page.fill('#subject', `Scanner im Lager (${tag})`);
    await who.page.fill('#body', 'Der Scanner im Lager meldet seit heute früh „Kein Netzwerk“.');
    await submitAndWait(who.page, 'main form button[type="submit"]');
    const number = await ticketNumberFromPage(who.page);

    const { page, guard } = staff;
    const check = async (what, label, p) => {
      await guard.check(what);
      await noOverflow(page, `${what} (${tag})`);
      if (js) await recordAxeClean(page, `${label} (${tag})`, p);
      else await axeAsShown(page, `${label} (${tag})`, p);
    };
    // The queue opens on the active tickets, the new one marked unread.
    await loginStaff(page, guard, AGENT.username, AGENT.password);
    assert.equal(new URL(page.url()).pathname, '/staff/tickets');
    assert.equal(await page.getAttribute('nav.status-tabs a[data-view="active"]', 'aria-current'), 'page', 'the active view');
    const nav = await page.$$eval('nav.mainnav a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(nav.filter((h, i) => nav.indexOf(h) !== i), [], `each place once in the navigation: ${nav}`);
    assert.ok(nav.includes('/staff/inbox'), 'the inbox in the navigation');
    const row = page.locator(`table.tickets tr[data-ticket="${number}"]`);
    assert.equal(await row.count(), 1, 'the new ticket is in the active view');
    assert.equal(await row.getAttribute('data-unread'), '', 'marked unread');
    await check('queue', 'Morning: queue', '/staff/tickets');
    await row.locator('td.subject a').click();
    await page.waitForURL(new RegExp(`/staff/tickets/${number}$`));
    await check('ticket', 'Morning: ticket', '/staff/tickets/…');

    // A snippet: with JavaScript at the cursor, without it through "Einfügen" (nothing sent).
    await page.check('#composer input[name="kind"][value="message"]');
    await page.selectOption('#c-snippet', { label: 'Begrüßung' });
    if (js) {
      assert.equal(await page.inputValue('#c-status'), 'waiting', 'a message defaults to "Wartet auf Kunde"');
    } else {
      await submitAndWait(page, '#composer button[data-snippet-insert]');
      assert.match(await notice(page), /Textbaustein ist eingefügt, noch nichts ist gesendet/);
      await check('snippet inserted', 'Morning: snippet inserted', 'POST /staff/tickets/…/activities (insert)');
      await page.selectOption('#c-status', 'waiting');
    }
    const greeting = `Guten Tag ${ANNA.name},\n\nvielen Dank für Ihre Nachricht zu Ticket ${number}.`;
    assert.equal((await page.inputValue('#body')).trim(), greeting, 'the snippet with its placeholders filled in');
    await page.fill('#body', `${greeting}\nBitte starten Sie den Scanner einmal neu.`);
    let posts = 0;
    const onRequest = (r) => {
      if (r.method() === 'POST') posts += 1;
    };
    page.on('request', onRequest);
    await composerSend(page, 'message', 'An Kunde senden');
    page.off('request', onRequest);
    assert.equal(posts, 1, 'one submit');
    assert.match(await notice(page), /Die Aktivität wurde gespeichert/);
    assert.equal(await page.locator('.ticket-head .badges .status-waiting').count(), 1, '"Wartet auf Kunde"');
    const kinds = await activityKinds(page);
    assert.deepEqual(kinds.slice(-2).sort(), ['message', 'status'], `the message and the status change: ${kinds}`);
    const sent = page.locator('ol.activities > li.activity[data-activity-kind="message"]').last();
    assert.match(await sent.innerText(), new RegExp(`vielen Dank für Ihre Nachricht zu Ticket ${number}`));
    await check('answered', 'Morning: answered', '/staff/tickets/…');

    // Follow-up in three days: the ticket leaves the active view until then.
    const date = isoDateAhead(3);
    await page.fill('#u-follow-up', date);
    await submitAndWait(page, 'form.ticket-update button[type="submit"]');
    assert.match(await notice(page), /Das Ticket wurde aktualisiert/);
    assert.match(await page.locator('ol.activities').innerText(), /Wiedervorlage am/);
    assert.equal(await page.inputValue('#u-follow-up'), date);
    await guard.check('follow-up');
    await go(page, guard, '/staff/tickets');
    assert.equal(await page.locator(`table.tickets tr[data-ticket="${number}"]`).count(), 0, 'not in the active view');
    await Promise.all([page.waitForNavigation(), page.click('nav.status-tabs a[data-view="follow_up"]')]);
    const later = page.locator(`table.tickets tr[data-ticket="${number}"]`);
    assert.equal(await later.count(), 1, 'under "Wiedervorlage"');
    assert.equal(await later.getAttribute('data-follow-up'), date);
    assert.equal(await later.getAttribute('data-unread'), null, 'seen');
    await check('follow-up view', 'Morning: follow-up view', '/staff/tickets?view=follow_up');
  } finally {
    await who.context.close();
    await staff.context.close();
  }
}

/// `ticketd mail receive` with the suite's config and database: one message on stdin.
function mailReceive(message) {
  return server.cli(['mail', 'receive'], message.replace(/\n/g, '\r\n')).trim();
}

// ------------------------------------------------------------------------------ the suite

async function main() {
  // An SMTP relay on a loopback port where nothing listens: notifications are queued and fail,
  // so the outbox and the notification settings have something to show.
  const closedPort = await freePort();
  server = await new Server({
    demo: true,
    customers: [ANNA],
    admins: [ADA],
    toml: `[smtp]\nhost = "127.0.0.1"\nport = ${closedPort}\nsecurity = "none"\nfrom = "support@it-service.example"\ntimeout_seconds = 2`,
  }).start();
  browser = await launch();
  console.log(`ticketd ${server.bin} on ${server.base}; chromium ${browser.version()}`);

  const customer = await newPage(browser);
  const admin = await newPage(browser);
  const agent = await newPage(browser);
  const state = {};

  console.log('\ncustomer, agent and admin flows (JavaScript on)');

  await run.step('the guard notices console errors and CSP violations (self-test)', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/login');
    // An inline script and a foreign image: both refused by the portal's CSP.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      const img = document.createElement('img');
      img.src = 'http://192.0.2.1/x.png';
      document.body.appendChild(img);
    });
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__inline), undefined, 'the inline script did not run');
    const seen = guard.problems.splice(0);
    assert.ok(seen.some((p) => /^CSP violation: script-src/.test(p)), `securitypolicyviolation seen: ${seen}`);
    assert.ok(seen.some((p) => /^CSP violation: img-src/.test(p)), `img-src violation seen: ${seen}`);
    assert.ok(seen.some((p) => /^console error/.test(p)), `console error seen: ${seen}`);
  });

  await run.step('a failed login is announced and tied to the field', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/login');
    assert.equal(await text(page, 'h1'), 'Anmeldung');
    await page.fill('#login', DEMO_CUSTOMER.login);
    await page.fill('#password', 'falsch');
    guard.allow(/status of 4\d\d/);
    await submitAndWait(page, 'main form button[type="submit"]');
    const err = page.locator('#login-error');
    assert.ok(await err.isVisible(), 'the error is shown');
    assert.equal(await err.getAttribute('role'), 'alert');
    assert.equal(
      await page.$eval('#login-error', (e) => e.parentElement.getAttribute('aria-live')),
      'assertive',
      'inside a live region',
    );
    assert.equal(await page.getAttribute('#login', 'aria-describedby'), 'login-error');
    await guard.check('failed login');
  });

  await run.step('customer logs in and sees the overview', async () => {
    const { page, guard } = customer;
    await loginCustomer(page, guard, DEMO_CUSTOMER.login, DEMO_CUSTOMER.password);
    assert.equal(await text(page, 'h1'), 'Meine Tickets');
    assert.equal(await text(page, '.userbox .user-name'), 'Bäckerei Schmidt GmbH');
    assert.ok((await page.locator('table.tickets tbody tr').count()) > 0, 'the demo tickets are listed');
    // The demo ticket with the longest history (e-mails, calls, internal notes for staff).
    state.richTicket = await page.$$eval('table.tickets tbody tr[data-ticket]', (rows) =>
      rows
        .map((r) => [r.getAttribute('data-ticket'), Number(r.getAttribute('data-activities'))])
        .sort((a, b) => b[1] - a[1])[0][0],
    );
  });

  await run.step('customer files a ticket with a file dropped on the upload area and sees its number', async () => {
    const { page, guard } = customer;
    await page.click('nav.mainnav a[href="/tickets/new"]');
    await page.waitForURL(/\/tickets\/new$/);
    await guard.check('new ticket form');
    await page.fill('#subject', 'Drucker im Büro druckt nur leere Seiten');
    await page.fill('#body', 'Seit dem Update am Montag kommen nur leere Seiten aus dem Drucker im ersten Stock.');
    await page.selectOption('#priority', 'high');
    const dropped = await dropFiles(page, 'div[data-dropzone]', [
      { name: 'druckprotokoll.txt', type: 'text/plain', text: 'Seite 1: leer\nSeite 2: leer\n' },
    ]);
    assert.ok(dropped.highlighted, 'the area lights up while dragging');
    assert.ok(!dropped.stillHighlighted, 'and calms down after the drop');
    assert.deepEqual(dropped.files, ['druckprotokoll.txt'], 'the dropped file is in the form');
    await submitAndWait(page, 'main form button[type="submit"]');
    state.ticket = await ticketNumberFromPage(page);
    assert.match(await notice(page), /Ihr Ticket wurde erstellt/);
    assert.equal(await text(page, 'h1'), 'Drucker im Büro druckt nur leere Seiten');
    assert.match(await text(page, '.badges .prio'), /Hoch/);
    const doc = page.locator('#documents a.doc-name', { hasText: 'druckprotokoll.txt' });
    assert.equal(await doc.count(), 1, 'the file is listed under documents');
    const res = await page.request.get(url(await doc.getAttribute('href')));
    assert.equal(res.status(), 200);
    assert.equal(await res.text(), 'Seite 1: leer\nSeite 2: leer\n', 'the file downloads unchanged');
    await guard.check('ticket created');
  });

  await run.step('customer replies', async () => {
    const { page, guard } = customer;
    // This page was drawn by the upload script from the answer to the upload: its own
    // scripts (the drop areas) work again.
    await page.fill('#reply textarea[name="body"]', 'Nachtrag: Der Drucker im Erdgeschoss ist nicht betroffen.');
    const dropped = await dropFiles(page, '#reply div[data-dropzone]', [
      { name: 'testseite.txt', type: 'text/plain', text: 'Testseite\n' },
    ]);
    assert.deepEqual(dropped.files, ['testseite.txt']);
    await submitAndWait(page, '#reply button[type="submit"]');
    assert.match(await notice(page), /Ihre Antwort wurde gesendet/);
    const last = page.locator('ol.activities > li.activity').last();
    assert.match(await last.innerText(), /Drucker im Erdgeschoss ist nicht betroffen/);
    assert.equal(await last.getAttribute('data-activity-kind'), 'message');
    assert.match(await last.locator('ul.files').innerText(), /testseite\.txt/);
    await guard.check('reply');
    // A plain reply, without files, is an ordinary form post.
    await page.fill('#reply textarea[name="body"]', 'Und noch eine kurze Frage ohne Anhang.');
    await submitAndWait(page, '#reply button[type="submit"]');
    assert.match(await notice(page), /Ihre Antwort wurde gesendet/);
    assert.match(await page.locator('ol.activities > li.activity').last().innerText(), /ohne Anhang/);
    await guard.check('second reply');
  });

  await run.step('a file over the limit is caught in the browser: message at the field, text kept, nothing sent', async () => {
    const { page, guard } = customer;
    const typed = 'Hier ist das Protokoll vom Scanner – bitte ansehen.';
    await page.fill('#reply textarea[name="body"]', typed);
    const max = Number(await page.getAttribute('#reply-files', 'data-max-file-bytes'));
    assert.ok(max > 0, 'the limit is in the page');
    // One byte over the limit, chosen through the input as with the file dialog.
    await page.evaluate((size) => {
      const input = document.querySelector('#reply-files');
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(size)], 'scan-gross.pdf', { type: 'application/pdf' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, max + 1);
    assert.match(await text(page, '#reply #err-attachments'), /scan-gross\.pdf/, 'the message names the file');
    assert.equal(await page.getAttribute('#reply-files', 'aria-invalid'), 'true');
    const before = page.url();
    let posted = 0;
    const onRequest = (r) => {
      if (r.method() === 'POST') posted += 1;
    };
    page.on('request', onRequest);
    await page.click('#reply button[type="submit"]');
    await page.waitForTimeout(300);
    page.off('request', onRequest);
    assert.equal(posted, 0, 'nothing was sent');
    assert.equal(page.url(), before);
    assert.equal(await page.inputValue('#reply textarea[name="body"]'), typed, 'the text is kept');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'reply-files');
    // A fitting choice clears the message, and the reply goes out with its text.
    await page.setInputFiles('#reply-files', [
      { name: 'protokoll.txt', mimeType: 'text/plain', buffer: Buffer.from('Scanner ok\n') },
    ]);
    assert.equal(await page.locator('#reply #err-attachments').count(), 0, 'the message is gone');
    await submitAndWait(page, '#reply button[type="submit"]');
    assert.match(await notice(page), /Ihre Antwort wurde gesendet/);
    assert.match(await page.locator('ol.activities > li.activity').last().innerText(), /Protokoll vom Scanner/);
    await guard.check('client-side file limit');
  });

  await run.step('long unbroken words (paths, URLs) still fit a phone screen', async () => {
    const { page, guard } = customer;
    const longPath = '\\\\fileserver01\\freigaben\\buchhaltung\\2026\\rechnungen\\eingangsrechnungen-nicht-erreichbar';
    await go(page, guard, '/tickets/new');
    await page.fill('#subject', `Pfad ${longPath}`);
    await page.fill(
      '#body',
      `Der Link https://intranet.example/sharepoint/sites/buchhaltung/Freigegebene%20Dokumente/Rechnungen/2026/Eingang/Lieferant-Mueller-Rechnung-000123456789.pdf geht nicht.\n${longPath}`,
    );
    await submitAndWait(page, 'main form button[type="submit"]');
    state.longTicket = await ticketNumberFromPage(page);
    const problems = [];
    for (const p of [`/tickets/${state.longTicket}`, '/tickets']) {
      await go(page, guard, p);
      for (const w of WIDTHS) {
        await page.setViewportSize({ width: w, height: 800 });
        const o = await horizontalOverflow(page);
        if (o) problems.push(`${p} at ${w}px: ${JSON.stringify(o)}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    assert.deepEqual(problems, []);
  });

  await run.step('customer filters the overview by year (auto-submit) and month', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/tickets');
    const years = await page.$$eval('#f-year option', (os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent]));
    assert.ok(years.length >= 2, `the demo customer has tickets in several years: ${JSON.stringify(years)}`);
    assert.ok(await page.isDisabled('#f-month'), 'no month choice before a year');
    const [year, yearLabel] = years[years.length - 1];
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('year') === year),
      page.selectOption('#f-year', year),
    ]);
    await guard.check('year filter');
    assert.equal(await listCount(page), optionCount(yearLabel), 'the year count matches its option');
    assert.ok(!(await page.isDisabled('#f-month')), 'months are offered for the year');
    const months = await page.$$eval('#f-month option', (os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent]));
    assert.ok(months.length >= 1, 'only months with tickets are offered');
    const [month, monthLabel] = months[0];
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('month') === month && u.searchParams.get('year') === year),
      page.selectOption('#f-month', month),
    ]);
    await guard.check('month filter');
    const n = optionCount(monthLabel);
    assert.equal(await listCount(page), n, 'the month count matches its option');
    assert.equal(await page.locator('table.tickets tbody tr').count(), Math.min(n, 50));
    assert.equal(await page.locator('form.filters a[href="/tickets"]', { hasText: 'Filter zurücksetzen' }).count(), 1);
  });

  await run.step('customer filters the ticket history by kind', async () => {
    const { page, guard } = customer;
    await go(page, guard, `/tickets/${state.ticket}`);
    await page.click(`nav.kind-filter a[href="/tickets/${state.ticket}?kind=message"]`);
    await page.waitForURL(/kind=message/);
    await guard.check('kind filter');
    const kinds = await activityKinds(page);
    assert.ok(kinds.length >= 2, 'the first message and the reply');
    assert.ok(kinds.every((k) => k === 'message'), `only messages: ${kinds}`);
    assert.equal(
      await page.getAttribute(`nav.kind-filter a[href$="?kind=message"]`, 'aria-current'),
      'page',
      'the chosen chip is marked',
    );
    await page.click(`nav.kind-filter a[href$="?kind=call"]`);
    await page.waitForURL(/kind=call/);
    assert.deepEqual(await activityKinds(page), []);
    assert.match(await text(page, '.timeline .empty'), /Keine Aktivitäten dieser Art/);
    await guard.check('kind filter, empty');
  });

  await run.step('admin logs in and creates an agent', async () => {
    const { page, guard } = admin;
    await loginStaff(page, guard, ADA.username, ADA.password);
    assert.equal(new URL(page.url()).pathname, '/staff/tickets');
    const card = page.locator('[data-first-steps]');
    assert.ok(await card.isVisible(), 'the first-steps card for a new admin');
    for (const href of ['/staff/customers/new', '/admin/staff/new', '/staff/hotline']) {
      assert.equal(await card.locator(`a[href="${href}"]`).count(), 1, `first steps link ${href}`);
    }
    assert.equal(await page.locator('nav.mainnav a[href="/admin/outbox"]').count(), 1, 'the outbox in the nav');
    await page.click('nav.mainnav a[href="/admin/staff"]');
    await page.waitForURL(/\/admin\/staff$/);
    await page.click('main a[href="/admin/staff/new"]');
    await page.waitForURL(/\/admin\/staff\/new$/);
    await guard.check('staff form');
    await page.fill('#username', AGENT.username);
    await page.fill('#name', AGENT.name);
    await page.fill('#email', AGENT.email);
    await page.selectOption('#role', 'agent');
    await page.fill('#password', AGENT.password);
    await page.check('#active');
    await submitAndWait(page, 'main form button[type="submit"]');
    assert.match(await notice(page), /Der Mitarbeiter wurde angelegt/);
    await guard.check('staff created');
  });

  await run.step('agent answers the ticket', async () => {
    const { page, guard } = agent;
    await loginStaff(page, guard, AGENT.username, AGENT.password);
    if (new URL(page.url()).pathname === '/staff/password') {
      await page.fill('#old_password', AGENT.password);
      await page.fill('#new_password', `${AGENT.password}-neu`);
      await page.fill('#new_password_repeat', `${AGENT.password}-neu`);
      await submitAndWait(page, 'main form button[type="submit"]');
    }
    assert.equal(await text(page, 'h1'), 'Ticket-Warteschlange');
    const row = page.locator(`table.tickets tr[data-ticket="${state.ticket}"]`);
    assert.equal(await row.count(), 1, 'the new ticket is in the queue');
    await row.locator('td.subject a').click();
    await page.waitForURL(new RegExp(`/staff/tickets/${state.ticket}$`));
    await guard.check('staff ticket');
    await page.check('#composer input[name="kind"][value="message"]');
    await page.fill('#composer textarea[name="body"]', 'Guten Tag, wir haben den Treiber neu eingespielt. Bitte testen Sie erneut.');
    // A message to the customer: the status after it follows the kind ("Wartet auf Kunde").
    assert.equal(await page.inputValue('#c-status'), 'waiting', 'a message defaults to waiting for the customer');
    await composerSend(page, 'message', 'An Kunde senden');
    assert.match(await notice(page), /Die Aktivität wurde gespeichert/);
    const last = page.locator('ol.activities > li.activity[data-activity-kind="message"]').last();
    assert.match(await last.innerText(), /Treiber neu eingespielt/);
    assert.equal(await last.getAttribute('data-author-kind'), 'staff');
    assert.equal(await page.locator('.ticket-head .badges .status-waiting').count(), 1, 'waiting for the customer');
    await guard.check('agent answer');
  });

  await run.step('agent logs a call with time', async () => {
    const { page, guard } = agent;
    await page.check('#composer input[name="kind"][value="call"]');
    assert.equal(await page.inputValue('#c-status'), '', 'a call leaves the status unchanged');
    await page.fill('#composer textarea[name="body"]', 'Kundin angerufen, Drucker läuft wieder.');
    await page.fill('#minutes', '25');
    await composerSend(page, 'call', 'Anruf erfassen');
    assert.match(await notice(page), /Die Aktivität wurde gespeichert/);
    const call = page.locator('ol.activities > li.activity[data-activity-kind="call"]').last();
    assert.match(await call.innerText(), /Drucker läuft wieder/);
    assert.match(await call.locator('.minutes').innerText(), /25 min/);
    assert.equal(await page.getAttribute('.ticket-head dd[data-minutes]', 'data-minutes'), '25');
    await guard.check('call note');
  });

  await run.step('agent closes the ticket', async () => {
    const { page, guard } = agent;
    await page.selectOption('form.ticket-update select[name="status"]', 'closed');
    await submitAndWait(page, 'form.ticket-update button[type="submit"]');
    assert.match(await notice(page), /Das Ticket wurde aktualisiert/);
    assert.equal(await page.locator('.ticket-head .badges .status-closed').count(), 1, 'the badge says closed');
    await guard.check('closed');
  });

  await run.step('customer sees the answer, the call with its time and the closed status', async () => {
    const { page, guard } = customer;
    await go(page, guard, `/tickets/${state.ticket}`);
    assert.match(await text(page, '.ticket-head .badges .status'), /Geschlossen/);
    assert.match(await page.locator('ol.activities').innerText(), /Treiber neu eingespielt/);
    await page.click(`nav.kind-filter a[href$="?kind=call"]`);
    await page.waitForURL(/kind=call/);
    const calls = page.locator('ol.activities > li.activity');
    assert.equal(await calls.count(), 1);
    assert.match(await calls.first().innerText(), /25 min/);
    await guard.check('customer view after the agent');
  });

  await run.step('customer changes the password (errors announced first)', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/account');
    await page.click('main a[href="/account/password"]');
    await page.waitForURL(/\/account\/password$/);
    await guard.check('password form');
    await page.fill('#old_password', DEMO_CUSTOMER.password);
    await page.fill('#new_password', NEW_CUSTOMER_PASSWORD);
    await page.fill('#new_password_repeat', 'etwas-anderes-2026');
    guard.allow(/status of 422/);
    await submitAndWait(page, 'main form button[type="submit"]');
    await checkErrorsAnnounced(page, 'new_password_repeat');
    await guard.check('password errors');
    await page.fill('#old_password', DEMO_CUSTOMER.password);
    await page.fill('#new_password', NEW_CUSTOMER_PASSWORD);
    await page.fill('#new_password_repeat', NEW_CUSTOMER_PASSWORD);
    await submitAndWait(page, 'main form button[type="submit"]');
    assert.match(await notice(page), /Ihr Passwort wurde geändert/);
    await guard.check('password changed');
    await logout(page, guard);
    await loginCustomer(page, guard, DEMO_CUSTOMER.login, NEW_CUSTOMER_PASSWORD);
  });

  await run.step('customer switches the language', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/tickets');
    await Promise.all([page.waitForNavigation(), page.click('nav.lang-switch a[hreflang="en"]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await text(page, 'h1'), 'My tickets');
    assert.equal(await page.getAttribute('nav.lang-switch a[hreflang="en"]', 'aria-current'), 'true');
    await go(page, guard, `/tickets/${state.ticket}`);
    assert.match(await text(page, '.ticket-head .badges .status'), /Closed/, 'the choice sticks');
    await Promise.all([page.waitForNavigation(), page.click('nav.lang-switch a[hreflang="de"]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.match(await text(page, '.ticket-head .badges .status'), /Geschlossen/);
    await guard.check('language switch');
  });

  await run.step('admin verifies the caller on the hotline', async () => {
    const { page, guard } = admin;
    await go(page, guard, `/staff/hotline?q=${encodeURIComponent(DEMO_CUSTOMER.login)}`);
    const card = page.locator(`section.caller[data-customer="${DEMO_CUSTOMER.login}"]`);
    assert.equal(await card.count(), 1, 'the customer number finds the caller');
    assert.ok(
      (await card.locator(`a[href="/staff/tickets/${state.ticket}"]`).count()) === 0,
      'the closed ticket is not among the open ones',
    );
    await card.locator('form.verify-form input[name="spoken_password"]').fill('falsch-geraten');
    await Promise.all([page.waitForNavigation(), card.locator('form.verify-form button[type="submit"]').click()]);
    assert.equal(await page.locator('[data-verify="no-match"]').count(), 1, 'a wrong password does not match');
    await guard.check('verify, no match');
    await go(page, guard, `/staff/hotline?q=${encodeURIComponent(DEMO_CUSTOMER.login)}`);
    await card.locator('form.verify-form input[name="spoken_password"]').fill(NEW_CUSTOMER_PASSWORD);
    await Promise.all([page.waitForNavigation(), card.locator('form.verify-form button[type="submit"]').click()]);
    const verdict = page.locator('[data-verify="match"]');
    assert.ok(await verdict.isVisible(), 'the verdict is shown');
    assert.match(await verdict.innerText(), /Stimmt überein/);
    await guard.check('verify, match');
    state.verifyUrl = page.url();
  });

  await run.step('admin reveals the password (reason, own password, click to show)', async () => {
    const { page, guard } = admin;
    await go(page, guard, `/staff/hotline?q=${encodeURIComponent(DEMO_CUSTOMER.login)}`);
    const card = page.locator(`section.caller[data-customer="${DEMO_CUSTOMER.login}"]`);
    await card.locator('form.reveal-form input[name="reason"]').fill('Kundin hat ihr Passwort vergessen, Rückruf');
    await card.locator('form.reveal-form input[name="password"]').fill(ADA.password);
    await Promise.all([page.waitForNavigation(), card.locator('form.reveal-form button[type="submit"]').click()]);
    await guard.check('reveal');
    const secret = page.locator('[data-revealed-password]');
    assert.equal(await secret.count(), 1);
    assert.ok(!(await secret.isVisible()), 'masked until clicked');
    assert.ok(await page.locator('details.reveal summary .when-closed').isVisible(), '"click to show" while closed');
    await page.click('details.reveal summary');
    assert.ok(await secret.isVisible(), 'shown after the click');
    assert.ok(!(await page.locator('details.reveal summary .when-closed').isVisible()), 'no "click to show" once open');
    assert.ok(await page.locator('details.reveal summary .when-open').isVisible(), '"click to hide" instead');
    assert.equal((await secret.innerText()).trim(), NEW_CUSTOMER_PASSWORD, 'the current password');
    await guard.check('revealed');
  });

  await run.step('customer makes a call code and the hotline verifies it (used once)', async () => {
    await go(customer.page, customer.guard, '/account');
    await Promise.all([customer.page.waitForNavigation(), customer.page.click('main a[href="/account/call-code"]')]);
    await customer.guard.check('call code page');
    await submitAndWait(customer.page, 'main form[action="/account/call-code"] button[type="submit"]');
    const code = await customer.page.getAttribute('[data-call-code]', 'data-call-code');
    assert.match(code, /^[0-9]{6}$/, 'a six-digit code');
    assert.equal((await customer.page.locator('[data-call-code]').innerText()).trim(), code, 'shown as text');
    await customer.guard.check('call code shown');
    const { page, guard } = admin;
    for (const expected of ['match', 'no-match']) {
      await go(page, guard, `/staff/hotline?q=${encodeURIComponent(DEMO_CUSTOMER.login)}`);
      const card = page.locator(`section.caller[data-customer="${DEMO_CUSTOMER.login}"]`);
      await card.locator('form.verify-form input[name="call_code"]').fill(code);
      await Promise.all([page.waitForNavigation(), card.locator('form.verify-form button[type="submit"]').click()]);
      assert.equal(await page.locator(`[data-verify="${expected}"]`).count(), 1, `the code: ${expected}`);
      await guard.check(`call code, ${expected}`);
    }
  });

  await run.step('customer sees on the account page that the hotline checked and viewed the password', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/account');
    assert.ok((await page.locator('li[data-hotline-event="hotline.verify"]').count()) >= 1);
    assert.equal(await page.locator('li[data-hotline-event="hotline.reveal"]').count(), 1);
    assert.equal(await page.locator('li[data-hotline-event="hotline.call_code"]').count(), 2);
  });

  // -------------------------------------------------------------------- without JavaScript

  console.log('\nwithout JavaScript');
  const nojs = await newPage(browser, { javaScriptEnabled: false });
  const nojsStaff = await newPage(browser, { javaScriptEnabled: false });

  await run.step('no JS: customer logs in, files a ticket with the plain file input, replies', async () => {
    const { page, guard } = nojs;
    await loginCustomer(page, guard, ANNA.email, ANNA.password);
    assert.equal(await text(page, 'h1'), 'Meine Tickets');
    assert.match(await text(page, 'main .empty'), /Sie haben noch keine Tickets/);
    await go(page, guard, '/tickets/new');
    await page.fill('#subject', 'VPN verbindet nicht');
    await page.fill('#body', 'Seit heute früh meldet der VPN-Client einen Zertifikatsfehler.');
    await page.setInputFiles('#new-files', [
      { name: 'fehlermeldung.txt', mimeType: 'text/plain', buffer: Buffer.from('certificate verify failed\n') },
      { name: 'screenshot.png', mimeType: 'image/png', buffer: PIXEL_PNG },
    ]);
    await submitAndWait(page, 'main form button[type="submit"]');
    state.nojsTicket = await ticketNumberFromPage(page);
    assert.match(await notice(page), /Ihr Ticket wurde erstellt/);
    const docs = await page.$$eval('#documents a.doc-name', (as) => as.map((a) => a.textContent.trim()).sort());
    assert.deepEqual(docs, ['fehlermeldung.txt', 'screenshot.png']);
    await page.fill('#reply textarea[name="body"]', 'Das Zertifikat wurde gestern erneuert.');
    await page.setInputFiles('#reply-files', [
      { name: 'zertifikat.txt', mimeType: 'text/plain', buffer: Buffer.from('CN=vpn.example\n') },
    ]);
    await submitAndWait(page, '#reply button[type="submit"]');
    assert.match(await notice(page), /Ihre Antwort wurde gesendet/);
    const last = page.locator('ol.activities > li.activity').last();
    assert.match(await last.innerText(), /Zertifikat wurde gestern erneuert/);
    assert.match(await last.locator('ul.files').innerText(), /zertifikat\.txt/);
    await guard.check('no-JS ticket and reply');
  });

  await run.step('no JS: the upload form adds documents to the ticket', async () => {
    const { page, guard } = nojs;
    await page.setInputFiles('#doc-files', [
      { name: 'nachtrag.txt', mimeType: 'text/plain', buffer: Buffer.from('noch ein Dokument\n') },
    ]);
    await submitAndWait(page, 'section.upload button[type="submit"]');
    assert.match(await notice(page), /Die Dateien wurden hochgeladen/);
    assert.equal(await page.locator('#documents a.doc-name', { hasText: 'nachtrag.txt' }).count(), 1);
    await guard.check('no-JS upload');
  });

  await run.step('no JS: a file over the limit comes back (413) with the text kept and the message at the field', async () => {
    const { page, guard } = nojs;
    const max = Number(await page.getAttribute('#reply-files', 'data-max-file-bytes'));
    const typed = 'Der Scan ist leider sehr groß geworden.';
    await page.fill('#reply textarea[name="body"]', typed);
    await page.setInputFiles('#reply-files', [
      { name: 'scan-gross.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(max + 1) },
    ]);
    guard.allow(/status of 413/);
    await submitAndWait(page, '#reply button[type="submit"]');
    assert.equal(await page.inputValue('#reply textarea[name="body"]'), typed, 'the text is kept');
    assert.match(await text(page, '#reply #err-attachments'), /scan-gross\.pdf/);
    assert.equal(
      await page.evaluate(() => document.activeElement && document.activeElement.id),
      'reply-files',
      'the page opens at the field (autofocus)',
    );
    await guard.check('no-JS refused upload');
  });

  await run.step('no JS: filters apply with the Filter button', async () => {
    const { page, guard } = nojs;
    await go(page, guard, '/tickets');
    const year = THIS_YEAR;
    await page.selectOption('#f-year', year);
    await page.selectOption('#f-status', 'open');
    await page.waitForTimeout(200);
    assert.equal(new URL(page.url()).search, '', 'nothing submits by itself without JavaScript');
    await submitAndWait(page, 'form.filters button[type="submit"]');
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('year'), year);
    assert.equal(u.searchParams.get('status'), 'open');
    assert.equal(await listCount(page), 1);
    assert.equal(await page.locator(`tr[data-ticket="${state.nojsTicket}"]`).count(), 1);
    await page.selectOption('#f-status', 'closed');
    await submitAndWait(page, 'form.filters button[type="submit"]');
    assert.equal(await page.locator('table.tickets tbody tr').count(), 0);
    await guard.check('no-JS filter');
    await page.click(`nav.lang-switch a[hreflang="en"]`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click(`nav.lang-switch a[hreflang="de"]`);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
  });

  await run.step('no JS: agent answers, logs a call and closes; the customer sees it', async () => {
    const { page, guard } = nojsStaff;
    await loginStaff(page, guard, AGENT.username, AGENT.password);
    await go(page, guard, `/staff/tickets/${state.nojsTicket}`);
    await page.check('#composer input[name="kind"][value="message"]');
    await page.fill('#composer textarea[name="body"]', 'Wir prüfen das Zertifikat.');
    // Without JavaScript the status after sending stays "automatic": the server sets waiting.
    assert.equal(await page.inputValue('#c-status'), 'auto');
    await composerSend(page, 'message', 'An Kunde senden');
    assert.match(await notice(page), /Die Aktivität wurde gespeichert/);
    assert.equal(await page.locator('.ticket-head .badges .status-waiting').count(), 1, 'waiting for the customer');
    await page.check('#composer input[name="kind"][value="call"]');
    await page.fill('#composer textarea[name="body"]', 'Rückruf: Zwischenzertifikat fehlte.');
    await page.fill('#minutes', '10');
    await composerSend(page, 'call', 'Anruf erfassen');
    assert.match(await page.locator('li.activity[data-activity-kind="call"]').last().innerText(), /10 min/);
    assert.equal(await page.locator('.ticket-head .badges .status-waiting').count(), 1, 'a call leaves the status');
    await page.selectOption('#u-status', 'closed');
    await submitAndWait(page, 'form.ticket-update button[type="submit"]');
    assert.match(await notice(page), /Das Ticket wurde aktualisiert/);
    await guard.check('no-JS staff');
    await go(nojs.page, nojs.guard, `/tickets/${state.nojsTicket}?kind=call`);
    assert.match(await nojs.page.locator('ol.activities').innerText(), /Zwischenzertifikat fehlte/);
  });

  await run.step('no JS: the revealed password opens on click (details)', async () => {
    const { page, guard } = nojsStaff;
    await logout(page, guard);
    await loginStaff(page, guard, ADA.username, ADA.password);
    await go(page, guard, `/staff/hotline?q=${ANNA.number}`);
    const card = page.locator(`section.caller[data-customer="${ANNA.number}"]`);
    await card.locator('form.verify-form input[name="spoken_password"]').fill(ANNA.password);
    await submitAndWait(page, `section.caller[data-customer="${ANNA.number}"] form.verify-form button[type="submit"]`);
    assert.equal(await page.locator('[data-verify="match"]').count(), 1);
    await go(page, guard, `/staff/hotline?q=${ANNA.number}`);
    await card.locator('form.reveal-form input[name="reason"]').fill('Test ohne JavaScript');
    await card.locator('form.reveal-form input[name="password"]').fill(ADA.password);
    await submitAndWait(page, `section.caller[data-customer="${ANNA.number}"] form.reveal-form button[type="submit"]`);
    assert.ok(!(await page.isVisible('[data-revealed-password]')));
    await page.click('details.reveal summary');
    assert.equal((await text(page, '[data-revealed-password]')), ANNA.password);
    await guard.check('no-JS reveal');
  });

  await run.step('mail in: a customer\'s mailed reply is in the timeline, by the customer ("Sie"; staff see name and address)', async () => {
    const number = state.nojsTicket;
    const out = mailReceive(
      [
        `From: ${ANNA.name} <${ANNA.email}>`,
        'To: support@it-service.example',
        `Subject: AW: [${number}] VPN verbindet nicht`,
        `Message-ID: <antwort-${number}@beispiel.example>`,
        `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Danke, mit dem neuen Zwischenzertifikat klappt es wieder.',
        '',
        'Am 06.12.2026 um 09:12 schrieb IT-Service <support@it-service.example>:',
        '> Wir prüfen das Zertifikat.',
        '',
      ].join('\n'),
    );
    assert.equal(out, `reply ${number}`, 'mail receive answers the ticket');
    // The customer (without JavaScript) sees it as theirs.
    await go(nojs.page, nojs.guard, `/tickets/${number}`);
    const mine = nojs.page.locator('ol.activities > li.activity[data-activity-kind="email"]').last();
    assert.equal(await mine.getAttribute('data-author-kind'), 'customer');
    assert.equal((await mine.locator('.author').innerText()).trim(), 'Sie');
    assert.match(await mine.innerText(), /mit dem neuen Zwischenzertifikat klappt es wieder/);
    assert.doesNotMatch(await mine.innerText(), /schrieb IT-Service|Wir prüfen das Zertifikat/, 'the quoted history is trimmed');
    assert.equal(await nojs.page.locator('.ticket-head .badges .status-closed').count(), 0, 'the closed ticket is open again');
    await nojs.guard.check('mailed reply, customer');
    await axeAsShown(nojs.page, 'Mailed reply (customer, no JS)', '/tickets/…');
    // Staff see the customer's name and address.
    const { page, guard } = nojsStaff;
    await go(page, guard, `/staff/tickets/${number}`);
    const theirs = page.locator('ol.activities > li.activity[data-activity-kind="email"]').last();
    assert.equal(await theirs.getAttribute('data-author-kind'), 'customer');
    assert.equal((await theirs.locator('.author').innerText()).trim(), ANNA.name);
    assert.match(await theirs.locator('dl.email-meta').innerText(), new RegExp(ANNA.email.replace(/\./g, '\\.')));
    await guard.check('mailed reply, staff');
    await axeAsShown(page, 'Mailed reply (staff, no JS)', '/staff/tickets/…');
  });

  await run.step('no JS: /staff/inbox shows a mail from an unknown sender; it is attached to a ticket', async () => {
    const { page, guard } = nojsStaff;
    const heldMail = (n) =>
      [
        'From: Unbekannt <fremd@unbekannt.example>',
        'To: support@it-service.example',
        `Subject: Anfrage ${n}: Angebot für Wartungsvertrag`,
        `Message-ID: <anfrage-${n}-${Date.now()}@unbekannt.example>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Guten Tag, bitte schicken Sie uns ein Angebot (${n}).`,
        '',
      ].join('\n');
    const first = mailReceive(heldMail(1));
    assert.match(first, /^held \d+$/, `an unknown sender is held: ${first}`);
    const id = first.split(' ')[1];
    // A second one stays for the accessibility pass below.
    assert.match(mailReceive(heldMail(2)), /^held \d+$/);
    await go(page, guard, '/staff/inbox');
    const card = page.locator(`[data-held="${id}"]`);
    assert.equal(await card.count(), 1, 'the held mail is listed');
    assert.match(await card.innerText(), /fremd@unbekannt\.example/);
    assert.equal(await card.locator('[data-reason]').getAttribute('data-reason'), 'unknown_sender');
    await axeAsShown(page, 'Staff inbox (no JS)', '/staff/inbox');
    await card.locator('input[name="ticket"]').fill(state.nojsTicket);
    await submitAndWait(page, `[data-held="${id}"] form:has(input[name="action"][value="attach"]) button[type="submit"]`);
    assert.match(await notice(page), /Die E-Mail wurde dem Ticket zugeordnet/);
    assert.equal(await page.locator(`[data-held="${id}"]`).count(), 0, 'no longer held');
    await go(page, guard, `/staff/tickets/${state.nojsTicket}`);
    assert.match(await page.locator('ol.activities').innerText(), /ein Angebot \(1\)/);
    await guard.check('no-JS inbox');
  });

  await nojs.context.close();
  await nojsStaff.context.close();

  console.log("\nthe agent's morning (queue, unread, snippet, status and follow-up; JavaScript on and off; 360 and 1280 px)");
  for (const js of [true, false]) {
    for (const width of [1280, 360]) {
      await run.step(`agent's morning, ${js ? 'JS' : 'no JS'}, ${width} px: unread in the queue, snippet + "Wartet auf Kunde" in one submit, follow-up`, () =>
        agentMorning({ js, width }),
      );
    }
  }

  // -------------------------------------------------------------------- keyboard

  console.log('\nkeyboard');
  const anon = await newPage(browser);

  await run.step('the skip link is the first tab stop, shows itself and moves focus to #main', async () => {
    for (const [who, p] of [
      [anon, '/login'],
      [anon, '/staff/login'],
      [customer, '/tickets'],
      [customer, `/tickets/${state.ticket}`],
      [admin, `/staff/tickets/${state.ticket}`],
      [admin, '/admin/audit'],
    ]) {
      const { page, guard } = who;
      await go(page, guard, p);
      const firstInOrder = await page.evaluate(() => {
        const tabbable = Array.from(
          document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'),
        ).filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden' && !el.closest('[hidden]'));
        return tabbable[0] && tabbable[0].matches('a.skip-link[href="#main"]');
      });
      assert.ok(firstInOrder, `${p}: the skip link comes first in the tab order`);
      const autofocus = await page.evaluate(() => document.activeElement !== document.body && document.activeElement.id);
      if (autofocus) {
        // The login pages put the cursor into the first field, inside the content already.
        assert.ok(await page.evaluate(() => !!document.activeElement.closest('main')), `${p}: autofocus is in main`);
        // Shift+Tab from there reaches the skip link (through the header's few links).
        let reached = false;
        for (let i = 0; i < 10 && !reached; i++) {
          await page.keyboard.press('Shift+Tab');
          reached = await page.evaluate(() => document.activeElement.matches('a.skip-link'));
        }
        assert.ok(reached, `${p}: Shift+Tab reaches the skip link`);
      } else {
        await page.keyboard.press('Tab');
      }
      const first = await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return {
          skip: el.matches('a.skip-link'),
          inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.width > 1 && r.height > 1,
        };
      });
      assert.ok(first.skip, `${p}: the first tab stop is the skip link`);
      assert.ok(first.inView, `${p}: the focused skip link is visible`);
      const ring = await focusIndicator(page);
      assert.ok(ring.ok, `${p}: the skip link shows focus`);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', `${p}: focus is on #main`);
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => !!document.activeElement.closest('main'));
      assert.ok(next, `${p}: the next tab stop is inside the content`);
      await guard.check(`skip link on ${p}`);
    }
  });

  await run.step('every tab stop shows a visible focus indicator', async () => {
    const pages = [
      [anon, '/login'],
      [anon, '/staff/login'],
      [customer, '/tickets'],
      [customer, `/tickets/${state.ticket}`],
      [customer, '/tickets/new'],
      [customer, '/account/password'],
      [admin, '/staff/tickets'],
      [admin, `/staff/tickets/${state.ticket}`],
      [admin, `/staff/hotline?q=${DEMO_CUSTOMER.login}`],
    ];
    const problems = [];
    for (const [who, p] of pages) {
      await go(who.page, who.guard, p);
      const r = await tabThrough(who.page, 80);
      if (r.stops < 3) problems.push(`${p}: only ${r.stops} tab stops`);
      if (r.missing.length) problems.push(`${p}: no visible focus on ${r.missing.join(', ')}`);
      await who.guard.check(`tabbing ${p}`);
    }
    assert.deepEqual(problems, []);
  });

  await run.step('the ticket form can be filled and sent with the keyboard alone', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/tickets/new');
    await page.focus('#subject');
    await page.keyboard.type('Tastatur-Ticket');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'body', 'Tab goes on to the description');
    await page.keyboard.type('Nur mit der Tastatur erstellt.');
    // Tab to the submit button and press Enter.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.matches('main form button[type="submit"]'))) break;
    }
    assert.ok(await page.evaluate(() => document.activeElement.matches('main form button[type="submit"]')));
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await ticketNumberFromPage(page);
    assert.equal(await text(page, 'h1'), 'Tastatur-Ticket');
    await guard.check('keyboard ticket');
  });

  // -------------------------------------------------------------------- accessibility

  console.log('\naccessibility (axe-core: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa), labels, layout at 360/768/1280 px');
  const t = state.ticket;
  const pages = [
    [anon, 'Login (customer)', '/login'],
    [anon, 'Login (staff)', '/staff/login'],
    [anon, 'Not found (404)', '/gibt-es-nicht', { status: 404 }],
    [anon, 'Forgot password', '/login/forgot'],
    [anon, 'Forgot password (staff)', '/staff/login/forgot'],
    [customer, 'Overview', '/tickets'],
    [customer, 'Overview, filtered', `/tickets?year=${THIS_YEAR}&status=open`],
    [customer, 'New ticket', '/tickets/new'],
    [customer, 'Ticket detail', `/tickets/${t}`],
    [customer, 'Ticket detail, calls only', `/tickets/${t}?kind=call`],
    [customer, 'Ticket detail, long history', `/tickets/${state.richTicket}`],
    [customer, 'Account', '/account'],
    [customer, 'Change password', '/account/password'],
    [customer, 'Time statement', '/account/time'],
    [customer, 'Contacts', '/account/contacts'],
    [customer, 'New contact', '/account/contacts/new'],
    [admin, 'Staff queue', '/staff/tickets'],
    [admin, 'Staff queue, all, page 2', '/staff/tickets?status=all&page=2'],
    [admin, 'Staff ticket', `/staff/tickets/${t}`],
    [admin, 'Staff ticket, long history', `/staff/tickets/${state.richTicket}`],
    [admin, 'Staff ticket, long words', `/staff/tickets/${state.longTicket}`],
    [admin, 'Staff new ticket', '/staff/tickets/new'],
    [admin, 'Customers', '/staff/customers'],
    [admin, 'Customer', `/staff/customers/${DEMO_CUSTOMER.login}`],
    [admin, 'New customer', '/staff/customers/new'],
    [admin, 'New contact (staff)', `/staff/customers/${DEMO_CUSTOMER.login}/contacts/new`],
    [admin, 'Customer time statement', `/staff/customers/${DEMO_CUSTOMER.login}/time`],
    [admin, 'Hotline', '/staff/hotline'],
    [admin, 'Hotline, caller found', `/staff/hotline?q=${DEMO_CUSTOMER.login}`],
    [admin, 'Admin: staff', '/admin/staff'],
    [admin, 'Admin: staff member', `/admin/staff/${AGENT.username}`],
    [admin, 'Admin: new staff member', '/admin/staff/new'],
    [admin, 'Admin: audit log', '/admin/audit'],
    [admin, 'Staff password', '/staff/password'],
    [admin, 'Staff account (notifications)', '/staff/account'],
    [admin, 'Staff two-factor enrolment', '/staff/account/2fa'],
    [admin, 'Admin: e-mail outbox', '/admin/outbox'],
    [admin, 'Staff inbox (one held mail)', '/staff/inbox'],
  ];
  for (const [who, label, p, opts] of pages) {
    await run.step(`axe: ${label} ${p}`, () => auditPage(who.page, who.guard, label, p, opts));
  }

  await run.step('admin hides the first-steps card for good', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/staff/tickets');
    await submitAndWait(page, '[data-first-steps] form button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/staff/tickets');
    assert.equal(await page.locator('[data-first-steps]').count(), 0, 'gone');
    await go(page, guard, '/staff/tickets');
    assert.equal(await page.locator('[data-first-steps]').count(), 0, 'and stays gone');
    await guard.check('first steps hidden');
  });

  // Pages that are answers to a POST: checked where they appear.
  await run.step('axe: form errors, hotline verdict and revealed password (de and en)', async () => {
    for (const lang of ['de', 'en']) {
      const { page, guard } = customer;
      await go(page, guard, `/account/password?lang=${lang}`);
      await page.fill('#old_password', 'x');
      await page.fill('#new_password', 'kurz');
      await page.fill('#new_password_repeat', 'anders');
      guard.allow(/status of 4\d\d/);
      await submitAndWait(page, 'main form button[type="submit"]');
      await checkErrorsAnnounced(page, 'new_password');
      await recordAxe(page, 'Change password, with errors', 'POST /account/password', lang);
      await guard.check('password errors');

      await go(page, guard, `/tickets/new?lang=${lang}`);
      await page.fill('#body', 'Ohne Betreff');
      guard.allow(/status of 422/);
      await submitAndWait(page, 'main form button[type="submit"]');
      await checkErrorsAnnounced(page, 'subject');
      assert.equal(await page.inputValue('#body'), 'Ohne Betreff', 'what was typed is kept');
      await recordAxe(page, 'New ticket, with errors', 'POST /tickets', lang);
      await guard.check('new ticket errors');

      await go(admin.page, admin.guard, `/staff/tickets/new?lang=${lang}`);
      admin.guard.allow(/status of 422/);
      await submitAndWait(admin.page, 'main form button[type="submit"]');
      await checkErrorsAnnounced(admin.page, 'customer');
      await recordAxe(admin.page, 'Staff new ticket, with errors', 'POST /staff/tickets', lang);
      await admin.guard.check('staff new ticket errors');

      const a = admin;
      await go(a.page, a.guard, `/staff/hotline?q=${ANNA.number}&lang=${lang}`);
      const card = a.page.locator(`section.caller[data-customer="${ANNA.number}"]`);
      await card.locator('form.verify-form input[name="spoken_password"]').fill(ANNA.password);
      await Promise.all([a.page.waitForNavigation(), card.locator('form.verify-form button[type="submit"]').click()]);
      await recordAxe(a.page, 'Hotline verdict', 'POST /staff/hotline/…/verify', lang);
      await go(a.page, a.guard, `/staff/hotline?q=${ANNA.number}&lang=${lang}`);
      await card.locator('form.reveal-form input[name="reason"]').fill('Barrierefreiheitsprüfung');
      await card.locator('form.reveal-form input[name="password"]').fill(ADA.password);
      await Promise.all([a.page.waitForNavigation(), card.locator('form.reveal-form button[type="submit"]').click()]);
      await a.page.click('details.reveal summary');
      await recordAxe(a.page, 'Revealed password (open)', 'POST /admin/hotline/…/reveal', lang);
      await a.guard.check('verdict and reveal');
    }
    const bad = axeRows.filter((r) => r.path.startsWith('POST') && Object.values(r.results).some((n) => n > 0));
    assert.deepEqual(
      bad.map((r) => `${r.label}: ${JSON.stringify(r.results)}\n${r.details || ''}`),
      [],
    );
  });

  // Hour contingents (issue 22): the demo customer K-10001 has a 20-hour block.
  await run.step('customer sees the remaining hours of their contingent on the overview and the time statement', async () => {
    const { page, guard } = customer;
    await go(page, guard, '/tickets');
    const onOverview = await page.locator('[data-contingent-remaining-minutes]').first().getAttribute('data-contingent-remaining-minutes');
    assert.match(onOverview, /^-?\d+$/, 'remaining minutes in the overview header');
    await go(page, guard, '/account/time');
    const onStatement = await page.locator('section.contingents [data-contingent-remaining-minutes]').first().getAttribute('data-contingent-remaining-minutes');
    assert.equal(onStatement, onOverview, 'the same balance on the time statement');
    assert.ok((await page.locator('section.contingents').innerText()).length > 0, 'bought, used and remaining shown in words');
    await recordAxeClean(page, 'Time statement with an hour contingent', '/account/time');
    await guard.check('contingent balance');
  });

  // Settings in the browser: steps of their own file.
  await require('./settings').steps({ run, admin, customer, go, auditPage, submitAndWait });

  await run.step('admin enrols in TOTP (QR code, key, recovery codes) and signs in with a code', async () => {
    const staff2fa = await newPage(browser);
    const { page, guard } = staff2fa;
    await loginStaff(page, guard, ADA.username, ADA.password);
    await go(page, guard, '/staff/account/2fa');
    assert.equal(await page.locator('.totp-qr svg path').count(), 1, 'the QR code is an inline SVG');
    const secret = await page.locator('[data-totp-secret]').getAttribute('data-totp-secret');
    const step = Math.floor(Date.now() / 30000);
    await page.fill('#code', totpCode(secret, step));
    await submitAndWait(page, 'main form button[type="submit"]');
    assert.equal(await page.locator('[data-recovery-code]').count(), 10, 'ten recovery codes, shown once');
    await guard.check('enrolled');
    await logout(page, guard);
    await go(page, guard, '/staff/login');
    await page.fill('#login', ADA.username);
    await page.fill('#password', ADA.password);
    await submitAndWait(page, 'main form button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/staff/login/2fa', 'the password leads to the code');
    await page.fill('#code', totpCode(secret, step + 1));
    await submitAndWait(page, 'main form button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/staff/tickets', 'the code completes the login');
    await guard.check('second step');
    await staff2fa.context.close();
  });

  await run.step('staff invite a contact; the mailed link sets the password; the contact logs in by e-mail', async () => {
    // A portal of its own whose relay is the suite's SMTP sink (the main one's relay is down).
    const sink = await new SmtpSink().start();
    const port = await freePort();
    const portal = await new Server({
      customers: [ANNA],
      admins: [ADA],
      port,
      top: `base_url = "http://127.0.0.1:${port}"`,
      toml:
        `[smtp]\nhost = "127.0.0.1"\nport = ${sink.port}\nsecurity = "none"\nfrom = "support@it-service.example"\ntimeout_seconds = 5`,
    });
    const staffPage = await newPage(browser);
    const contactPage = await newPage(browser);
    const at = (p) => `http://127.0.0.1:${port}${p}`;
    try {
      await portal.start();
      const { page, guard } = staffPage;
      await page.goto(at('/staff/login'));
      await page.fill('#login', ADA.username);
      await page.fill('#password', ADA.password);
      await submitAndWait(page, 'main form button[type="submit"]');
      await page.goto(at(`/staff/customers/${ANNA.number}`));
      await page.click('main a[data-contact-new]');
      await page.waitForURL(/\/contacts\/new$/);
      await page.fill('#name', CONTACT.name);
      await page.fill('#email', CONTACT.email);
      await page.selectOption('#role', 'member');
      await page.check('#invite');
      await submitAndWait(page, 'main form button[type="submit"]');
      assert.equal(new URL(page.url()).pathname, `/staff/customers/${ANNA.number}`);
      assert.equal(await page.locator('[data-contact]').count(), 1, 'the customer page lists the contact');
      await guard.check('contact invited');

      const mail = await sink.waitFor(CONTACT.email);
      const m = mail.match(/http:\/\/127\.0\.0\.1:\d+\/login\/reset\/[0-9a-f]{64}/);
      assert.ok(m, `the mail carries the link:\n${mail}`);
      const c = contactPage;
      await c.page.goto(m[0]);
      await c.guard.check('invitation page');
      await recordAxe(c.page, 'Set password (invitation)', '/login/reset/…', 'de');
      const row = axeRows.find((r) => r.label === 'Set password (invitation)');
      assert.equal(row.details, '', `axe on the invitation page:\n${row.details}`);
      await c.page.fill('#new_password', CONTACT.password);
      await c.page.fill('#new_password_repeat', CONTACT.password);
      await submitAndWait(c.page, 'main form button[type="submit"]');
      assert.equal(new URL(c.page.url()).pathname, '/login', 'the saved password leads to the login');
      await c.page.fill('#login', CONTACT.email);
      await c.page.fill('#password', CONTACT.password);
      await submitAndWait(c.page, 'main form button[type="submit"]');
      assert.equal(new URL(c.page.url()).pathname, '/tickets', 'the contact is logged in by e-mail');
      await c.guard.check('contact logged in');
    } finally {
      await staffPage.context.close();
      await contactPage.context.close();
      await portal.stop({ keep: run.failed.length > 0 });
      sink.close();
    }
  });

  await anon.context.close();
  await customer.context.close();
  await admin.context.close();
  await agent.context.close();
}

/// axe on the page as it is (no reload), light and dark, into the results table.
async function recordAxe(page, label, p, lang) {
  let row = axeRows.find((r) => r.label === label);
  if (!row) {
    row = { label, path: p, results: {}, details: '' };
    axeRows.push(row);
  }
  for (const scheme of ['light', 'dark']) {
    await setScheme(page, scheme);
    const { violations: v, contrast } = await axe(page);
    const key = scheme === 'light' ? lang : `${lang} dark`;
    row.results[key] = v.length + contrast.length;
    if (v.length) row.details += `axe, ${key}:\n${formatViolations(v)}\n`;
    if (contrast.length) row.details += `contrast behind images/gradients, ${key}:\n  ${contrast.join('\n  ')}\n`;
  }
  await setScheme(page, 'light');
}

function axeTable() {
  const cols = ['de', 'en', 'de dark', 'en dark'];
  const lines = [
    '| page | path | ' + cols.join(' | ') + ' |',
    '|---|---|' + cols.map(() => '---:').join('|') + '|',
  ];
  for (const r of axeRows) {
    lines.push(`| ${r.label} | \`${r.path}\` | ${cols.map((c) => (c in r.results ? r.results[c] : '–')).join(' | ')} |`);
  }
  return lines.join('\n');
}

(async () => {
  const started = Date.now();
  let crashed = null;
  try {
    await main();
  } catch (e) {
    crashed = e;
    console.log(`\nsuite aborted: ${e && e.stack ? e.stack : e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    const failed = run.failed.length > 0 || crashed;
    if (server) {
      if (failed) console.log(`\nserver log (kept in ${server.dir}):\n${server.logText().split('\n').slice(-40).join('\n')}`);
      await server.stop({ keep: !!failed });
    }
  }
  const table = axeTable();
  console.log(`\naxe-core violations per page (WCAG 2.0/2.1/2.2 A and AA; counts of rules violated):\n\n${table}\n`);
  try {
    const out = path.join(ROOT, 'target', 'browser-axe.md');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${table}\n`);
  } catch (_) {
    // the table is printed anyway
  }
  const ok = run.results.filter((r) => r.ok).length;
  console.log(`browser suite: ${ok} passed, ${run.failed.length} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (run.failed.length) {
    for (const f of run.failed) console.log(`  FAILED: ${f.name}`);
  }
  process.exit(run.failed.length || crashed ? 1 : 0);
})();
