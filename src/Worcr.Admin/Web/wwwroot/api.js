// The admin API client: JSON in and out, the session's CSRF token on every change, errors as ApiError.

export const session = { role: null, csrf: '' };

/** An error answer of the API: its message, HTTP status and, for rule code, the line at fault. */
export class ApiError extends Error {
  constructor(status, message, line) {
    super(message);
    this.status = status;
    this.line = line ?? null;
  }
}

/** Called when the API says the session is gone (401), so the app can show the sign-in page. */
let onSignedOut = () => {};
export function whenSignedOut(handler) { onSignedOut = handler; }

export function canChange() { return session.role === 'admin'; }

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let response;
  try {
    response = await fetch('/api' + path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `The node did not answer (${e.message}).`);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/session') onSignedOut();
    const message = data?.error ?? `${method} /api${path} failed: HTTP ${response.status} ${text.slice(0, 200)}`;
    throw new ApiError(response.status, message, data?.line);
  }
  return data;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body = {}) => call('POST', path, body),
  put: (path, body) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
};

/** Reads who we are; false when not signed in. */
export async function loadSession() {
  try {
    const s = await api.get('/session');
    session.role = s.role;
    session.csrf = s.csrf_token ?? '';
    return true;
  } catch (e) {
    if (e.status === 401) return false;
    throw e;
  }
}

export async function signIn(password) {
  const s = await api.post('/session', { password });
  session.role = s.role;
  session.csrf = s.csrf_token ?? '';
}

export async function signOut() {
  try { await api.del('/session'); } finally { session.role = null; session.csrf = ''; }
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Server-sent events of one stream; returns a function that closes it. Reconnects on its own (EventSource does). */
export function listen(path, handlers) {
  const source = new EventSource('/api' + path);
  for (const [event, handler] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => handler(JSON.parse(e.data)));
  }
  return () => source.close();
}
