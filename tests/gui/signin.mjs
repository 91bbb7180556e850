// (a) Sign in: a wrong password shows the API's error inline; the right one opens the overview.
import { scenario, signIn, ok, fail, baseUrl } from './lib.mjs';

await scenario('sign-in', async (page) => {
  await signIn(page, 'not-the-password');
  const error = page.locator('.error[role=alert]');
  await error.waitFor({ state: 'visible' });
  const text = await error.textContent();
  if (!/password|sign/i.test(text)) fail(`unexpected error text for a wrong password: ${text}`);
  ok(`wrong password shows: ${text}`);
  if (!page.url().endsWith('#/signin')) fail('a wrong password left the sign-in page');

  await signIn(page);
  await page.waitForSelector('#states .tile[data-state=running]');
  const role = await page.locator('#who [data-role]').getAttribute('data-role');
  if (role !== 'admin') fail(`signed in with role ${role}, expected admin`);
  ok('right password opens the overview as admin');

  await page.goto(baseUrl + '/#/jobs');
  await page.reload();
  await page.waitForSelector('#job-list');
  ok('the session survives a reload');
});
