// Settings in the browser (/admin/settings…): called from run.js with its helpers. The admin
// changes the title and the accent colour and adds a conditional field; the customer's next page
// shows them without a restart; axe on every settings page; then both go back to the file.
'use strict';

const { assert } = require('./lib');

async function steps({ run, admin, customer, go, auditPage, submitAndWait }) {
  await run.step('settings: admin changes title and accent colour; the customer sees them at once', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/admin/settings');
    await page.fill('#title', 'Büro Sommer Support');
    await page.fill('#accent_color', '#7c2d12');
    await submitAndWait(page, 'main form[action="/admin/settings"] button.primary');
    assert.equal(new URL(page.url()).pathname, '/admin/settings');
    assert.equal(await page.locator('[data-setting="title"]').getAttribute('data-source'), 'browser');
    await guard.check('portal settings saved');
    const c = customer;
    await go(c.page, c.guard, '/tickets/new');
    assert.match(await c.page.title(), /Büro Sommer Support/, 'the new title, no restart');
    const accent = await c.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
    assert.equal(accent.replace(/\s+/g, ' '), 'rgb(124 45 18)', 'the new accent colour');
  });

  await run.step('settings: a colour with too little contrast is refused with the ratio', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/admin/settings');
    guard.allow(/status of 422/);
    await page.fill('#accent_color', '#8a8a8a');
    await submitAndWait(page, 'main form[action="/admin/settings"] button.primary');
    assert.match(await page.locator('#err-accent_color').innerText(), /\d\.\d\d:1/);
    await guard.check('contrast refused');
  });

  await run.step('settings: admin adds a conditional field; the customer form shows it when the condition holds', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/admin/settings/fields/new');
    await page.fill('#key', 'geraet');
    await page.fill('#label_de', 'Gerät');
    await page.fill('#label_en', 'Device');
    await page.selectOption('#type', 'select');
    await page.fill('#options', 'Drucker\nPC');
    await submitAndWait(page, 'main form button.primary');
    assert.equal(new URL(page.url()).pathname, '/admin/settings/fields');
    await go(page, guard, '/admin/settings/fields/new');
    await page.fill('#key', 'seriennummer');
    await page.fill('#label_de', 'Seriennummer');
    await page.fill('#label_en', 'Serial number');
    await page.selectOption('#show_when_field', 'geraet');
    await page.fill('#show_when_values', 'PC');
    await submitAndWait(page, 'main form button.primary');
    assert.equal(await page.locator('[data-settings-preview] [name="cf_seriennummer"]').count(), 1, 'in the preview');
    await guard.check('fields saved');
    const c = customer;
    await go(c.page, c.guard, '/tickets/new');
    await c.page.selectOption('#cf_geraet', 'Drucker');
    assert.ok(!(await c.page.locator('#cf_seriennummer').isVisible()), 'hidden for a printer');
    await c.page.selectOption('#cf_geraet', 'PC');
    assert.ok(await c.page.locator('#cf_seriennummer').isVisible(), 'shown for a PC');
    await c.guard.check('conditional field');
  });

  await run.step('settings: the field form previews the customer form, conditions live, changes after "preview"', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/admin/settings/fields/seriennummer');
    const preview = page.locator('[data-settings-preview]');
    assert.equal(await preview.locator('[name="cf_seriennummer"]').count(), 1, 'the field in its preview');
    await preview.locator('#cf_geraet').selectOption('Drucker');
    assert.ok(!(await preview.locator('#cf_seriennummer').isVisible()), 'hidden for a printer in the preview');
    await preview.locator('#cf_geraet').selectOption('PC');
    assert.ok(await preview.locator('#cf_seriennummer').isVisible(), 'shown for a PC in the preview');
    await page.fill('#label_de', 'Seriennummer des PCs');
    await page.fill('#label_en', 'Serial number of the PC');
    await submitAndWait(page, 'main form button[name="preview"]');
    // The new label, in the freshly rendered preview (shown once the condition holds).
    await page.locator('[data-settings-preview] #cf_geraet').selectOption('PC');
    assert.match(await page.locator('[data-settings-preview]').innerText(), /Seriennummer des PCs|Serial number of the PC/);
    assert.equal(await page.locator('#label_de').inputValue(), 'Seriennummer des PCs', 'the form as typed, not saved');
    await guard.check('field preview');
    await go(page, guard, '/admin/settings/fields/seriennummer');
    const stored = await page.locator('[data-settings-preview]').textContent();
    assert.match(stored, /Seriennummer|Serial number/, 'the stored label in the preview');
    assert.doesNotMatch(stored, /des PCs|of the PC/, 'nothing was saved');
  });

  const pages = [
    ['Admin: settings, portal', '/admin/settings'],
    ['Admin: settings, security', '/admin/settings/security'],
    ['Admin: settings, mail', '/admin/settings/mail'],
    ['Admin: settings, mail in', '/admin/settings/inbound'],
    ['Admin: settings, fields', '/admin/settings/fields'],
    ['Admin: settings, new field', '/admin/settings/fields/new'],
    ['Admin: settings, field', '/admin/settings/fields/seriennummer'],
  ];
  for (const [label, p] of pages) {
    await run.step(`axe: ${label} ${p}`, () => auditPage(admin.page, admin.guard, label, p));
  }

  await run.step('settings: title and colour go back to the file', async () => {
    const { page, guard } = admin;
    await go(page, guard, '/admin/settings');
    await submitAndWait(page, '[data-setting="title"] button[name="reset"]');
    await submitAndWait(page, '[data-setting="accent_color"] button[name="reset"]');
    assert.notEqual(await page.locator('[data-setting="title"]').getAttribute('data-source'), 'browser');
    assert.notEqual(await page.locator('[data-setting="accent_color"]').getAttribute('data-source'), 'browser');
    await guard.check('reset');
  });
}

module.exports = { steps };
