// The main pages render without errors (a CSP violation or a script error fails it); with WORCR_SCREENSHOTS=1
// each is saved to docs/screenshots/. Then the read-only role: it sees the pages but no change buttons.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scenario, signedIn, signIn, ok, fail, baseUrl } from './lib.mjs';

const jobId = process.env.JOB_ID || fail('JOB_ID is required');
const shots = process.env.WORCR_SCREENSHOTS === '1' ? process.env.WORCR_SCREENSHOTS_DIR : null;
if (shots) mkdirSync(shots, { recursive: true });

async function snap(page, name) {
  if (!shots) return;
  await page.waitForTimeout(300); // let transitions of the bars settle, for the picture only
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
  ok(`saved docs/screenshots/${name}.png`);
}

await scenario('pages', async (page) => {
  await signedIn(page);
  // Wait for a chart with data points: the overview's series come from the jobs finished meanwhile.
  await page.waitForSelector('svg.chart path[data-series=completed][d^="M"]');
  await page.waitForSelector('#live:has-text("live")');
  ok('overview renders with live charts');
  await snap(page, 'overview');

  await page.goto(baseUrl + '/#/jobs');
  await page.waitForSelector('#job-list tr[data-job]');
  ok(`jobs list shows ${await page.locator('#job-list tr[data-job]').count()} job(s)`);
  await snap(page, 'jobs');

  await page.goto(`${baseUrl}/#/jobs/${jobId}`);
  await page.waitForFunction(() => document.querySelectorAll('#logs .line').length >= 4);
  await page.waitForSelector('#progress .progress[data-name=rows]');
  ok('job page renders with progress and logs');
  await snap(page, 'job');

  await page.goto(baseUrl + '/#/workers');
  await page.waitForSelector('tr[data-worker=gui-worker-1]');
  ok('workers page lists the worker');
  await snap(page, 'workers');

  await page.goto(baseUrl + '/#/rules');
  await page.waitForSelector('#rule-list');
  await page.fill('#rule-name', 'premium-first');
  await page.fill('#tm-job_all', 'premium');
  await page.fill('#tm-worker_any', 'fast');
  await page.fill('#tm-factor', '4');
  await page.fill('#bench-type', 'gui.slow');
  await page.fill('#bench-job-tags', 'premium, import');
  await page.selectOption('#bench-worker', 'gui-worker-1');
  await page.check('#bench-use-draft');
  await page.click('#bench-explain');
  await page.waitForSelector('#bench-weight[data-weight="4"]');
  await page.click('#bench-dry-run');
  await page.waitForSelector('#dry-run tr b');
  ok('rules page: a draft weighs 4 on the bench, dry run answers');
  await snap(page, 'rules');

  await page.goto(baseUrl + '/#/tenants');
  await page.waitForSelector('#tenant-list tr[data-tenant=acme]');
  await page.fill('input[placeholder=gold]', 'gold');
  await page.fill('input[placeholder="4"]', '4');
  await page.click('button:has-text("Save plan")');
  await page.waitForSelector('#tenant-list tr[data-tenant=acme] option[value=gold]', { state: 'attached' });
  await page.selectOption('#tenant-list tr[data-tenant=acme] select', 'gold');
  await page.click('#tenant-list tr[data-tenant=acme] button:has-text("Save")');
  await page.waitForSelector('#tenant-list tr[data-tenant=acme] td:nth-child(2):has-text("gold")');
  ok('tenants page: a plan is created and given to a tenant');
  await page.click('#tenant-list tr[data-tenant=acme] button:has-text("key")');
  await page.fill('#key-label', 'importer on host-1');
  await page.click('button:has-text("Create key")');
  await page.waitForSelector('#new-key');
  const key = await page.locator('#new-key').textContent();
  if (!key.startsWith('wt_')) fail(`the new key does not look like a tenant key: ${key}`);
  ok('tenants page: a new key is shown once');
  await snap(page, 'tenants');

  for (const [path, selector] of [['limits', 'h1:has-text("Limits")'], ['cron', 'h1:has-text("Cron")'], ['webhooks', 'h1:has-text("Webhooks")']]) {
    await page.goto(`${baseUrl}/#/${path}`);
    await page.waitForSelector(selector);
    await page.waitForSelector('.panel table, .panel p.muted');
    if (await page.locator('.error:not([hidden])').count()) fail(`${path} shows an error: ${await page.locator('.error:not([hidden])').first().textContent()}`);
    ok(`${path} page renders`);
  }

  const readOnly = process.env.WORCR_READ_ONLY_PASSWORD;
  if (readOnly) {
    await page.click('#who button:has-text("Sign out")');
    await page.waitForURL(/#\/signin$/);
    await signIn(page, readOnly);
    await page.waitForSelector('#who [data-role=read_only]');
    for (const path of ['rules', `jobs/${jobId}`, 'workers', 'tenants', 'limits']) {
      await page.goto(`${baseUrl}/#/${path}`);
      await page.waitForSelector(`main[data-loaded="/${path}"]`);
      const visible = await page.locator('button.change:visible').count();
      if (visible) fail(`read-only sees ${visible} change button(s) on ${path}`);
    }
    await page.goto(`${baseUrl}/#/rules`);
    await page.waitForSelector('main[data-loaded="/rules"]');
    if (await page.locator('#rule-check:visible, #bench-use-draft:visible').count()) fail('read-only is offered to run a draft');
    ok('read-only sees no change buttons');
  }
});
