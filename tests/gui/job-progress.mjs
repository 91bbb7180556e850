// (c) Watch a running job: its progress bar moves and its log lines appear without a reload.
import { scenario, signedIn, ok, fail, baseUrl } from './lib.mjs';

const id = process.env.JOB_ID || fail('JOB_ID is required');

await scenario('job progress', async (page) => {
  await signedIn(page);
  await page.goto(`${baseUrl}/#/jobs/${id}`);
  await page.waitForSelector('.badge[data-state=running]');
  const bar = page.locator('#progress .progress[data-name=rows]');
  await bar.waitFor();
  const first = Number(await bar.getAttribute('data-current'));
  const firstLines = await page.locator('#logs .line').count();
  ok(`progress at ${first}, ${firstLines} log line(s)`);

  // Only the live stream can move these: the page is not reloaded.
  await page.waitForFunction((n) => Number(document.querySelector('#progress .progress[data-name=rows]').dataset.current) >= n + 3, first);
  await page.waitForFunction((n) => document.querySelectorAll('#logs .line').length >= n + 3, firstLines);
  const later = Number(await bar.getAttribute('data-current'));
  const width = await page.locator('#progress .progress[data-name=rows] .fill').evaluate((el) => el.style.width);
  const lines = await page.locator('#logs .line').allTextContents();
  ok(`progress moved from ${first} to ${later} (bar width ${width})`);
  ok(`log lines appeared live: ${lines.length}, last "${lines[lines.length - 1]}"`);
  if (!lines.some((l) => l.includes(`processed row ${later - 1}`) || l.includes(`processed row ${later}`))) fail('the newest log line is not on the page');
});
