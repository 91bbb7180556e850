// (b) Create a tag-match rule in the editor and see the test bench show the new weight.
import { scenario, signedIn, ok, fail, baseUrl } from './lib.mjs';

const rule = 'gui-test-boost-' + Date.now().toString(36);

await scenario('rule bench', async (page) => {
  await signedIn(page);
  await page.goto(baseUrl + '/#/rules');
  await page.waitForSelector('#rule-list table, #rule-list p');

  const explain = async () => {
    await page.fill('#bench-type', 'gui.slow');
    await page.fill('#bench-tenant', 'acme');
    await page.fill('#bench-job-tags', 'gui-gold, import');
    await page.selectOption('#bench-worker', 'gui-worker-1');
    await page.locator('#bench-result').evaluate((el) => el.replaceChildren());
    await page.click('#bench-explain');
    return Number(await page.locator('#bench-weight').getAttribute('data-weight'));
  };

  const before = await explain();
  ok(`weight before the rule: ${before}`);
  if (before !== 1) fail(`expected weight 1 before the rule, got ${before}`);

  await page.fill('#rule-name', rule);
  await page.selectOption('#rule-language', 'tag_match');
  await page.fill('#tm-job_all', 'gui-gold');
  await page.fill('#tm-worker_all', 'gui-worker');
  await page.selectOption('#tm-action', 'multiply');
  await page.fill('#tm-factor', '7');
  await page.click('#rule-save');
  await page.waitForSelector('#rule-ok:not([hidden])');
  ok(await page.locator('#rule-ok').textContent());
  await page.waitForSelector(`#rule-list tr[data-rule="${rule}"]`);
  ok('the rule is listed');

  const after = await explain();
  ok(`weight after the rule: ${after}`);
  if (after !== 7) fail(`expected weight 7 after the rule, got ${after}`);
  const trace = await page.locator(`#bench-result tr[data-rule="${rule}"] td.num`).textContent();
  if (trace.trim() !== '7') fail(`the trace shows factor ${trace} for ${rule}`);
  ok('the trace names the rule with factor 7');

  // A Lua draft with a syntax error: "Check syntax" shows the error and marks its line.
  await page.selectOption('#rule-language', 'lua');
  await page.fill('#rule-editor textarea', 'function weight(job, worker)\n  return 1 +\nend\n');
  await page.click('#rule-check');
  await page.waitForSelector('#rule-editor .error:not([hidden])');
  const error = await page.locator('#rule-editor .error').textContent();
  const marked = await page.locator('#rule-editor .gutter .bad').textContent();
  ok(`syntax error shown at line ${marked}: ${error}`);
  if (!/^Line \d+:/.test(error)) fail('the syntax error does not name its line');

  await page.click(`#rule-list tr[data-rule="${rule}"] button.danger`).catch(() => {});
});
