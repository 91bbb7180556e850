// The admin GUI's entry point: session check, hash routing, navigation. Each page is a module exporting
// render(root, params) that may return a cleanup function (closing its live streams) for when the page is left.
import { session, loadSession, signOut, whenSignedOut } from './api.js';
import { h, fill } from './dom.js';
import * as signin from './pages/signin.js';
import * as overview from './pages/overview.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as workers from './pages/workers.js';
import * as rules from './pages/rules.js';
import * as limits from './pages/limits.js';
import * as tenants from './pages/tenants.js';
import * as cron from './pages/cron.js';
import * as webhooks from './pages/webhooks.js';

const routes = [
  [/^\/signin$/, signin],
  [/^\/overview$/, overview],
  [/^\/jobs$/, jobs],
  [/^\/jobs\/([^/]+)$/, job],
  [/^\/workers$/, workers],
  [/^\/rules$/, rules],
  [/^\/limits$/, limits],
  [/^\/tenants$/, tenants],
  [/^\/cron$/, cron],
  [/^\/webhooks$/, webhooks],
];

const root = document.getElementById('page');
let cleanup = null;
let signedIn = false;
let shown = 0;

/** Parses "#/jobs/42?state=running" into a path, its captures and its query. */
function currentRoute() {
  const [path, q] = (location.hash.slice(1) || '/overview').split('?');
  for (const [pattern, page] of routes) {
    const match = path.match(pattern);
    if (match) return { page, path, signedIn: signedInNow, args: match.slice(1).map(decodeURIComponent), query: new URLSearchParams(q ?? '') };
  }
  return { page: null, path };
}

async function show() {
  if (cleanup) { cleanup(); cleanup = null; }
  const route = currentRoute();
  if (!signedIn && route.page !== signin) {
    sessionStorage.setItem('worcr.after', location.hash);
    location.hash = '#/signin';
    return;
  }
  renderChrome(route.path);
  const showing = ++shown;
  delete root.dataset.loaded;
  if (!route.page) { fill(root, h('p', { class: 'error' }, `No page at ${route.path}.`)); return; }
  fill(root);
  try {
    cleanup = (await route.page.render(root, route)) ?? null;
  } catch (e) {
    fill(root, h('div', { class: 'error' }, e.message));
  }
  // main[data-loaded="/path"] says the page has drawn its first data (tests wait for it instead of sleeping);
  // a page left before its data came does not claim the next one.
  if (showing === shown) root.dataset.loaded = route.path;
}

function renderChrome(path) {
  const nav = document.getElementById('nav');
  nav.hidden = !signedIn;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', path.startsWith(a.getAttribute('href').slice(1)));
  document.body.classList.toggle('read-only', session.role === 'read_only');
  const who = document.getElementById('who');
  if (!signedIn) { fill(who); return; }
  fill(who,
    h('span', { 'data-role': session.role }, session.role === 'read_only' ? 'read-only' : 'admin'),
    session.csrf ? h('button', { type: 'button', onclick: async () => { await signOut(); signedIn = false; location.hash = '#/signin'; } }, 'Sign out') : null);
}

/** Called by the sign-in page (as route.signedIn) once the session exists. */
function signedInNow() {
  signedIn = true;
  const after = sessionStorage.getItem('worcr.after');
  sessionStorage.removeItem('worcr.after');
  location.hash = after && after !== '#/signin' ? after : '#/overview';
}

whenSignedOut(() => {
  if (!signedIn) return;
  signedIn = false;
  sessionStorage.setItem('worcr.after', location.hash);
  location.hash = '#/signin';
});

window.addEventListener('hashchange', show);
signedIn = await loadSession().catch(() => false);
if (signedIn && location.hash === '#/signin') location.hash = '#/overview';
await show();
