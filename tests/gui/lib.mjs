// Shared helpers of the GUI scenarios: launch Debian's chromium (never a downloaded browser), sign in, fail
// loudly. Each scenario prints "ok: ..." lines and exits 0, or prints "FAIL: ..." and exits 1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const baseUrl = required('WORCR_URL').replace(/\/$/, '');
export const password = process.env.WORCR_PASSWORD ?? '';
const chromiumPath = process.env.WORCR_CHROMIUM || '/usr/bin/chromium';
const timeout = 20_000;

function required(name) {
  const value = process.env[name];
  if (!value) fail(`environment variable ${name} is required`);
  return value;
}

export function fail(message) {
  console.log('FAIL: ' + message);
  process.exit(1);
}

export function ok(message) { console.log('ok: ' + message); }

/**
 * Runs one scenario in a fresh headless chromium with a temporary profile; page errors and console errors
 * (a Content-Security-Policy violation shows up there) fail the scenario.
 */
export async function scenario(name, body) {
  if (!existsSync(chromiumPath)) {
    fail(`chromium not found at ${chromiumPath}: install Debian's package (apt-get install chromium) or set WORCR_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'worcr-gui-'));
  let context;
  try {
    // A persistent context on a fresh temporary directory: Playwright passes it as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1360, height: 900 },
      deviceScaleFactor: 1,
    });
  } catch (e) {
    fail(`chromium at ${chromiumPath} did not start: ${e.message}`);
  }
  const started = performance.now();
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(timeout);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !expectedConsoleError(m.text())) problems.push(`console error: ${m.text()} (${m.location()?.url ?? ''})`); });
  try {
    await body(page);
    if (problems.length) fail(problems.join('\n'));
    ok(`${name} passed (${((performance.now() - started) / 1000).toFixed(1)} s in the browser)`);
  } catch (e) {
    fail(`${name}: ${e.message}\n${problems.join('\n')}\n${await whatThePageShows(page)}`);
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(0);
}

/** Where the page was and what it showed when a step failed, so a failure in CI can be read without a rerun. */
async function whatThePageShows(page) {
  try {
    const text = await page.evaluate(() => document.body.innerText);
    return `page ${page.url()} showed:\n${text.replace(/\n{2,}/g, '\n').slice(0, 1500)}`;
  } catch (e) {
    return `(the page could not be read: ${e.message})`;
  }
}

/** The browser logs failed fetches itself; the GUI shows those to the user, so they are expected (a wrong password is a 401). */
function expectedConsoleError(text) { return /Failed to load resource: the server responded with a status of (401|403|404|409|400)/.test(text); }

export async function signIn(page, pass = password) {
  await page.goto(baseUrl + '/');
  await page.waitForURL(/#\/signin$/);
  await page.fill('#password', pass);
  await page.click('button[type=submit]');
}

export async function signedIn(page) {
  await signIn(page);
  await page.waitForSelector('#states .tile');
}
