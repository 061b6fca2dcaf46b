// Shared pieces of the browser suite and the screenshot script: a real ticketd on a free
// loopback port with a temp config and database, Debian's chromium driven by playwright-core,
// a guard that turns console errors, page errors and CSP violations into failures, axe-core
// inside the page, and a tiny sequential test runner.
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// ------------------------------------------------------------------------------ the binary

/// `TICKETD_BIN`, else the newer of target/debug/ticketd and target/release/ticketd.
function binary() {
  if (process.env.TICKETD_BIN) return path.resolve(process.env.TICKETD_BIN);
  const candidates = ['debug', 'release']
    .map((p) => path.join(ROOT, 'target', p, 'ticketd'))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!candidates.length) {
    throw new Error('no ticketd binary: run `cargo build` first (or set TICKETD_BIN)');
  }
  return candidates[0];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

/// The environment without the overrides of `listen` and `database`.
function cleanEnv() {
  const env = { ...process.env };
  delete env.TICKETD_LISTEN;
  delete env.TICKETD_DATABASE;
  return env;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------ the SMTP sink

/// A tiny SMTP server on a loopback port that takes every message and keeps it: enough ESMTP
/// for ticketd's client (plain SMTP, no AUTH). `mails` holds { to, data } in arrival order.
class SmtpSink {
  constructor() {
    this.mails = [];
    this.server = net.createServer((sock) => this.session(sock));
  }

  start() {
    return new Promise((resolve, reject) => {
      this.server.on('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        resolve(this);
      });
    });
  }

  session(sock) {
    let buf = '';
    let data = null;
    let to = [];
    const say = (line) => sock.write(`${line}\r\n`);
    say('220 sink ESMTP');
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (data !== null) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buf.slice(0, end + 2);
          buf = buf.slice(end + 5);
          this.mails.push({ to, data: data.replace(/\r\n\.\./g, '\r\n.') });
          data = null;
          to = [];
          say('250 2.0.0 queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') say('250 sink');
        else if (verb === 'RCPT') {
          to.push(line.replace(/^[^<]*<([^>]*)>.*$/, '$1'));
          say('250 OK');
        } else if (verb === 'DATA') {
          data = '';
          say('354 go on');
        } else if (verb === 'QUIT') {
          say('221 bye');
          sock.end();
          return;
        } else say('250 OK');
      }
    });
  }

  /// Waits for a message to `addr`; returns its text with quoted-printable decoded.
  async waitFor(addr, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.mails.find((x) => x.to.includes(addr));
      if (m) {
        const bytes = Buffer.from(
          m.data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
        return bytes.toString('utf8');
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${addr} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  close() {
    this.server.close();
  }
}

// ------------------------------------------------------------------------------ the server

/// A ticketd in a temp dir: `ticketd.toml` (loopback port, temp database, bcrypt cost 4),
/// accounts created with the CLI before the start.
class Server {
  constructor({ customers = [], admins = [], toml = '', top = '', demo = false, port = 0 } = {}) {
    this.opts = { customers, admins, toml, top, demo, port };
    this.bin = binary();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketd-browser-'));
    this.config = path.join(this.dir, 'ticketd.toml');
    this.db = path.join(this.dir, 'ticketd.db');
    this.log = path.join(this.dir, 'server.log');
    this.proc = null;
    this.demoOutput = '';
  }

  cli(args, stdin) {
    const r = spawnSync(this.bin, [...args, '--config', this.config], {
      input: stdin === undefined ? '' : stdin,
      encoding: 'utf8',
      env: cleanEnv(),
      timeout: 120000,
    });
    if (r.status !== 0) {
      throw new Error(`ticketd ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
    }
    return r.stdout;
  }

  async start() {
    // A port given up front lets the config name it (e.g. in `base_url`).
    this.port = this.opts.port || (await freePort());
    this.base = `http://127.0.0.1:${this.port}`;
    const toml =
      `listen = "127.0.0.1:${this.port}"\n` +
      `database = ${JSON.stringify(this.db)}\n` +
      // Top-level keys (e.g. `base_url`) must come before the first table.
      (this.opts.top ? `${this.opts.top}\n` : '') +
      // No second factor unless a test asks for one (`require_2fa` option).
      `\n[security]\nbcrypt_cost = 4\nrequire_2fa = ${JSON.stringify(this.opts.require_2fa || 'off')}\n` +
      (this.opts.toml ? `\n${this.opts.toml}\n` : '');
    fs.writeFileSync(this.config, toml);
    for (const c of this.opts.customers) {
      this.cli(
        ['customer', 'add', '--number', c.number, '--name', c.name, '--email', c.email, '--password-stdin'],
        `${c.password}\n`,
      );
    }
    for (const a of this.opts.admins) {
      this.cli(['admin', 'create', '--username', a.username, '--email', a.email, '--password-stdin'], `${a.password}\n`);
    }
    if (this.opts.demo) this.demoOutput = this.cli(['demo']);
    const out = fs.openSync(this.log, 'a');
    this.proc = spawn(this.bin, ['serve', '--config', this.config], {
      stdio: ['ignore', out, out],
      env: cleanEnv(),
    });
    fs.closeSync(out);
    let exited = null;
    this.proc.on('exit', (code) => {
      exited = code;
    });
    const deadline = Date.now() + 30000;
    for (;;) {
      if (exited !== null) throw new Error(`ticketd exited (${exited}):\n${this.logText()}`);
      try {
        if ((await get(`${this.base}/healthz`)) === 200) return this;
      } catch (_) {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`ticketd did not start:\n${this.logText()}`);
      await sleep(100);
    }
  }

  logText() {
    try {
      return fs.readFileSync(this.log, 'utf8');
    } catch (_) {
      return '';
    }
  }

  async stop({ keep = false } = {}) {
    if (this.proc && this.proc.exitCode === null) {
      const gone = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([gone, sleep(5000)]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------ the browser

/// Debian's chromium; playwright-core starts it headless with a new empty user-data-dir.
function launch({ args = [], env } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: env ? { ...process.env, ...env } : undefined,
    args: [
      ...args,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/// Collects what a page must never raise: console errors, uncaught exceptions, CSP
/// violations (the `securitypolicyviolation` event where scripts run, and Chromium's console
/// report of each violation everywhere, also with JavaScript off).
class Guard {
  constructor(context) {
    this.problems = [];
    this.allowed = [];
    this.context = context;
  }

  static async attach(context) {
    const g = new Guard(context);
    await context.exposeBinding('__ticketdReportCsp', (_source, v) => {
      g.problems.push(`CSP violation: ${v.directive} blocked ${v.blocked || '(inline)'} at ${v.url}`);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = window.__ticketdReportCsp;
        if (typeof report === 'function') {
          report({ directive: e.violatedDirective, blocked: e.blockedURI, url: document.location.href });
        }
      });
    });
    context.on('page', (p) => g.watch(p));
    return g;
  }

  watch(page) {
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) {
        const text = m.text();
        if (this.allowed.some((re) => re.test(text))) return;
        this.problems.push(`console ${m.type()}: ${text} (${page.url()})`);
      }
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message} (${page.url()})`));
  }

  /// A console message expected for the next step (e.g. the 404 page's own status).
  allow(re) {
    this.allowed.push(re);
  }

  /// Fails when anything was raised since the last check.
  async check(what) {
    // Console events arrive asynchronously; give them a moment.
    await sleep(30);
    const found = this.problems.splice(0);
    this.allowed = [];
    assert.deepEqual(found, [], `${what}: the page raised errors`);
  }
}

/// A new context (optionally without JavaScript) with a guard and one page.
async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
    ...options,
  });
  const guard = await Guard.attach(context);
  const page = await context.newPage();
  return { context, page, guard };
}

// ------------------------------------------------------------------------------ axe-core

/// axe-core evaluated in the page. `page.addScriptTag` would add an inline script, which the
/// portal's CSP (`script-src 'self'`) rightly blocks; evaluation through the DevTools protocol
/// is not subject to the page's CSP, so the CSP checks stay meaningful on the same pages.
///
/// Returns `{ violations, contrast }`. axe leaves text contrast "incomplete" where a background
/// image, gradient or pseudo-element sits behind the text (the select chevron, the tables'
/// scroll shadows, the timeline's rail); `contrast` lists those nodes that fail when measured
/// against the solid background colours behind them (WCAG 1.4.3: 4.5:1, large text 3:1).
async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe === 'object');
  if (!has) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    const violations = r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));

    // Any CSS colour (also oklch() and color-mix()) to RGBA bytes, through a canvas pixel.
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const rgba = (css) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    };
    const over = (top, below) => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + below[i] * (1 - a)).concat(1);
    };
    const lum = (c) => {
      const f = (v) => {
        v /= 255;
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const background = (el) => {
      const layers = [];
      for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let bg = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0, 1] : [255, 255, 255, 1];
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      return bg;
    };
    const skip = /non-text characters/;
    const contrast = [];
    for (const item of r.incomplete.filter((i) => i.id === 'color-contrast')) {
      for (const node of item.nodes) {
        const why = (node.any[0] || {}).message || '';
        if (skip.test(why)) continue;
        const el = document.querySelector(node.target[0]);
        if (!el) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden' || cs.display === 'none') continue;
        const bg = background(el);
        const fg = over(rgba(cs.color), bg);
        let opacity = 1;
        for (let n = el; n && n.nodeType === 1; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(cs.fontSize);
        const bold = Number(cs.fontWeight) >= 700;
        const large = size >= 24 || (bold && size >= 18.66);
        const need = large ? 3 : 4.5;
        // Disabled controls are exempt (WCAG 1.4.3), and show as such by their opacity.
        if (el.disabled || opacity < 1) continue;
        if (ratio < need) {
          contrast.push(`${node.target.join(' ')}: ${ratio.toFixed(2)}:1 < ${need}:1 (${cs.color} on rgb(${bg.slice(0, 3).map(Math.round).join(' ')}); axe: ${why})`);
        }
      }
    }
    return { violations, contrast };
  }, AXE_TAGS);
}

function formatViolations(list) {
  return list
    .map(
      (v) =>
        `  - ${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 6)
          .map((n) => `      ${n.target}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`)
          .join('\n'),
    )
    .join('\n');
}

// ------------------------------------------------------------------------------ runner

/// Sequential steps; a failing step is reported and the run goes on where it can.
class Runner {
  constructor() {
    this.results = [];
    this.current = null;
  }

  async step(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.results.push({ name, ok: true });
      console.log(`  ok   ${name} (${Date.now() - started} ms)`);
      return true;
    } catch (e) {
      this.results.push({ name, ok: false, error: e });
      console.log(`  FAIL ${name}\n${indent(e && e.stack ? e.stack : String(e))}`);
      return false;
    }
  }

  get failed() {
    return this.results.filter((r) => !r.ok);
  }
}

function indent(s) {
  return s
    .split('\n')
    .map((l) => `       ${l}`)
    .join('\n');
}

module.exports = {
  ROOT,
  AXE_TAGS,
  assert,
  Server,
  launch,
  newPage,
  Guard,
  axe,
  formatViolations,
  Runner,
  sleep,
  freePort,
  SmtpSink,
};
