// (d) Cancel a running job from its page and see it cancelled.
import { scenario, signedIn, ok, fail, baseUrl } from './lib.mjs';

const id = process.env.JOB_ID || fail('JOB_ID is required');

await scenario('cancel job', async (page) => {
  await signedIn(page);
  await page.goto(`${baseUrl}/#/jobs/${id}`);
  await page.waitForSelector('.badge[data-state=running]');
  ok('the job is running');
  await page.click('button:has-text("Cancel")');
  await page.waitForSelector('h1 + .badge[data-state=cancelled]');
  ok('the page shows it cancelled');
  await page.waitForSelector('button:has-text("Retry")');
  if (await page.locator('button:has-text("Cancel")').count()) fail('a cancelled job still offers Cancel');
  ok('a cancelled job offers Retry and Delete instead');
});
