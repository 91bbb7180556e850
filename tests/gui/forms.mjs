// The change forms, filled and submitted as a user would. Drain on the workers page first (its effect is looked at
// last, so waiting for it costs nothing); then a limit is created, edited and a second one deleted; a bad cron
// expression shows the API's error and lists nothing, a good one is listed with its next run; a webhook is listed
// without its secret. The test reads the store afterwards; names and values come from it through the environment.
import { scenario, signedIn, ok, fail, baseUrl } from './lib.mjs';

const need = (name) => process.env[name] || fail(`${name} is required`);
const limit = { name: need('LIMIT_NAME'), tag: need('LIMIT_TAG'), spare: need('SPARE_LIMIT_NAME') };
const cron = { name: need('CRON_NAME'), bad: need('BAD_CRON_NAME'), expression: need('CRON_EXPRESSION'), badExpression: need('BAD_CRON_EXPRESSION'), type: need('CRON_TYPE') };
const hook = { name: need('WEBHOOK_NAME'), url: need('WEBHOOK_URL'), secret: need('WEBHOOK_SECRET') };
const tenant = need('FORM_TENANT');
const workers = { drained: need('DRAIN_WORKER'), kept: need('KEEP_WORKER') };
const connectedColumn = 8;

/** Opens a page and waits until it has drawn its data (main[data-loaded], set by app.js). */
async function open(page, path) {
  await page.goto(`${baseUrl}/#/${path}`);
  await page.waitForSelector(`main[data-loaded="/${path}"]`);
  return page.locator('.panel.change');
}

/**
 * The input, select or textarea of a form's field by its label's own text: getByLabel would also read the chosen
 * option of a select into the label ("kind concurrency").
 */
const input = (form, label) => form.locator(`xpath=.//label[contains(@class, "field")][normalize-space(text()[1])="${label}"]/*[self::input or self::select or self::textarea]`);
const row = (page, name) => page.locator(`tr:has(td > b:text-is("${name}"))`);
const cell = (page, name, column) => row(page, name).locator(`td:nth-child(${column})`);

async function expectText(locator, expected, what) {
  const text = (await locator.textContent()).trim();
  if (text !== expected) fail(`${what}: expected "${expected}", the page shows "${text}"`);
}

/** Clicks Drain on one worker's row and waits for the node to accept it; returns when that worker had connected. */
async function drain(page) {
  await open(page, 'workers');
  const row = page.locator(`tr[data-worker="${workers.drained}"]`);
  await row.waitFor();
  const connected = await row.locator(`td:nth-child(${connectedColumn}) span[title]`).getAttribute('title');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/drain')),
    row.getByRole('button', { name: 'Drain' }).click(),
  ]);
  if (answer.status() !== 202) fail(`Drain answered ${answer.status()}`);
  ok(`Drain clicked on ${workers.drained} (connected at ${connected})`);
  return connected;
}

/** The drained worker shows draining, has left, or (an SDK worker reconnects at once) is a new connection; the other is untouched. */
async function expectDrained(page, connectedBefore) {
  await open(page, 'workers');
  const seen = await page.waitForFunction(({ id, column, before }) => {
    const tr = document.querySelector(`tr[data-worker="${id}"]`);
    if (!tr) return 'gone';
    if (tr.querySelector('.badge.failed')?.textContent.includes('draining')) return 'draining';
    const connected = tr.querySelector(`td:nth-child(${column}) span[title]`)?.title;
    return connected && connected !== before ? `reconnected at ${connected}` : false;
  }, { id: workers.drained, column: connectedColumn, before: connectedBefore });
  ok(`the workers page shows ${workers.drained} ${await seen.jsonValue()}`);
  const kept = page.locator(`tr[data-worker="${workers.kept}"]`);
  if (!(await kept.count()) || (await kept.locator('.badge.failed').count())) fail(`${workers.kept} was drained or left too`);
  ok(`${workers.kept} is still connected and not draining`);
}

await scenario('forms', async (page) => {
  await signedIn(page);
  const connectedBeforeDrain = await drain(page);

  let form = await open(page, 'limits');
  await input(form, 'name').fill(limit.name);
  await input(form, 'kind').selectOption('concurrency');
  await input(form, 'by').selectOption('tag');
  await input(form, 'value').fill(limit.tag);
  await input(form, 'capacity').fill('3');
  await form.getByRole('button', { name: 'Save limit' }).click();
  await cell(page, limit.name, 4).filter({ hasText: /^3$/ }).waitFor();
  await expectText(cell(page, limit.name, 3), `tag · ${limit.tag}`, 'the listed match');
  ok(`limit ${limit.name} listed: concurrency 3 on tag ${limit.tag}`);

  await row(page, limit.name).getByRole('button', { name: 'Edit' }).click();
  const capacity = input(form, 'capacity');
  if (await input(form, 'name').inputValue() !== limit.name || await capacity.inputValue() !== '3') {
    fail('Edit did not put the limit into the form');
  }
  await capacity.fill('5');
  await form.getByRole('button', { name: 'Save limit' }).click();
  await cell(page, limit.name, 4).filter({ hasText: /^5$/ }).waitFor();
  ok('limit edited: capacity 5 listed');

  await input(form, 'name').fill(limit.spare);
  await form.getByRole('button', { name: 'Save limit' }).click();
  await row(page, limit.spare).waitFor();
  page.once('dialog', (dialog) => dialog.accept());
  await row(page, limit.spare).getByRole('button', { name: 'Delete' }).click();
  await row(page, limit.spare).waitFor({ state: 'detached' });
  if (await row(page, limit.name).count() !== 1) fail(`deleting ${limit.spare} took ${limit.name} with it`);
  ok(`limit ${limit.spare} created and deleted`);

  form = await open(page, 'cron');
  await input(form, 'name').fill(cron.bad);
  await input(form, 'expression').fill(cron.badExpression);
  await input(form, 'type').fill(cron.type);
  await input(form, 'tenant').fill(tenant);
  await input(form, 'tags').fill('gui-form');
  await input(form, 'args (JSON)').fill('{"from": "gui"}');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  const formError = form.locator('.error:not([hidden])');
  await formError.waitFor();
  ok(`bad expression shows: ${(await formError.textContent()).trim()}`);
  if (await row(page, cron.bad).count()) fail(`the bad schedule ${cron.bad} is listed`);

  await input(form, 'name').fill(cron.name);
  await input(form, 'expression').fill(cron.expression);
  const savedAt = Date.now();
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await row(page, cron.name).waitFor();
  if (await formError.count()) fail('the error of the bad expression is still shown after a good save');
  await expectText(cell(page, cron.name, 2), cron.expression, 'the listed expression');
  await expectText(cell(page, cron.name, 4), `${cron.type} · ${tenant} gui-form`, 'the listed job');
  const next = new Date(await cell(page, cron.name, 5).locator('span[title]').getAttribute('title'));
  if (!(next > savedAt) || next.getUTCMinutes() % 5 !== 0 || next.getUTCSeconds() !== 0) fail(`next run ${next.toISOString()} is not a multiple of 5 minutes after the save`);
  ok(`schedule ${cron.name} listed, next run ${next.toISOString()}`);

  form = await open(page, 'webhooks');
  await input(form, 'name').fill(hook.name);
  await input(form, 'url').fill(hook.url);
  await input(form, 'secret').fill(hook.secret);
  await input(form, 'tenant').fill(tenant);
  for (const event of ['job.failed', 'job.expired', 'job.cancelled']) await form.getByLabel(event, { exact: true }).uncheck();
  await form.getByRole('button', { name: 'Save webhook' }).click();
  await row(page, hook.name).waitFor();
  await expectText(cell(page, hook.name, 2), hook.url, 'the listed URL');
  await expectText(cell(page, hook.name, 3), 'job.completed, job.dead', 'the listed events');
  await expectText(cell(page, hook.name, 4), tenant, 'the listed tenant');
  if (await input(form, 'secret').inputValue() !== '') fail('the secret stays in the form after saving');
  if ((await page.content()).includes(hook.secret)) fail('the page shows the webhook secret');
  ok(`webhook ${hook.name} listed, its secret nowhere on the page`);

  await expectDrained(page, connectedBeforeDrain);
});
