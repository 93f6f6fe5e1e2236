// The HTTP API (docs/api.md): JSON, a session cookie, and X-CSRF-Token on every unsafe request.
import { t, tn } from './i18n.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const USER_CACHE = 'afterglow:user';

export const session = {
  user: null,
  csrf: null,
  offline: false, // true when the app started without reaching the server
};

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const err = body?.error ? body.error : {};
    super(err.message || t('The server answered {status}.', { status }));
    this.name = 'ApiError';
    this.status = status;
    this.code = err.code || (status >= 500 ? 'internal_error' : 'error');
    this.fields = err.fields || {};
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super(t('No connection to the server.'));
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** True for failures worth retrying later: no network, or the server is unwell. */
export function isTransient(err) {
  return (
    err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429))
  );
}

let unauthenticatedHandler = null;
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

let sessionChangedHandler = null;
/** `fn` runs when the session turns out to be another person's (see request). */
export function onSessionChanged(fn) {
  sessionChangedHandler = fn;
}

export async function request(
  method,
  path,
  body,
  { retry = true, quiet401 = false, headers: extra = {} } = {},
) {
  const headers = { ...extra, Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method)) {
    if (!session.csrf) await loadSession();
    headers['X-CSRF-Token'] = session.csrf;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new NetworkError(e);
  }
  if (res.status === 204) return null;
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    data = await res.json().catch(() => null);
  }
  if (res.ok) return data;
  const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
  if (err.code === 'csrf_failed' && retry) {
    const before = session.user?.id ?? null;
    await loadSession();
    if ((session.user?.id ?? null) !== before) {
      // The cookie is someone else's now (they logged in in another tab): never send
      // this person's request as theirs.
      sessionChangedHandler?.();
      throw err;
    }
    return request(method, path, body, { retry: false, quiet401, headers: extra });
  }
  if (err.status === 401 && err.code === 'unauthenticated' && !quiet401 && unauthenticatedHandler) {
    unauthenticatedHandler(err);
  }
  throw err;
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const patch = (path, body, headers) => request('PATCH', path, body, { headers });
export const del = (path, body) => request('DELETE', path, body);

export async function loadSession() {
  const data = await request('GET', '/api/v1/auth/session');
  session.csrf = data.csrf_token;
  setUser(data.user);
  session.offline = false;
  return data.user;
}

/** Remember who is logged in, so the app can open offline (no health data is kept here). */
export function setUser(user) {
  session.user = user || null;
  try {
    if (user) {
      const { id, name, role, timezone, language } = user;
      localStorage.setItem(USER_CACHE, JSON.stringify({ id, name, role, timezone, language }));
    } else {
      localStorage.removeItem(USER_CACHE);
    }
  } catch {
    /* storage may be unavailable (private mode); the app still works online */
  }
}

export function cachedUser() {
  try {
    return JSON.parse(localStorage.getItem(USER_CACHE) || 'null');
  } catch {
    return null;
  }
}

const BUSY_TRIES = 5;

/**
 * ``send()`` again after the server's Retry-After while it answers 503, at most BUSY_TRIES times:
 * many people logging in at once (the password hasher refused before doing anything), or a
 * database briefly unavailable (the transaction did nothing). ``onWait(error)`` lets the page
 * say so meanwhile.
 */
async function whileBusy(send, onWait) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 503 && err.retryAfter) || attempt >= BUSY_TRIES)
        throw err;
      onWait?.(err);
      await new Promise((resolve) => setTimeout(resolve, Math.min(err.retryAfter, 10) * 1000));
    }
  }
}

export async function login(email, password, otp, { onWait } = {}) {
  const body = { email, password };
  if (otp) body.otp = otp;
  const data = await whileBusy(() => request('POST', '/api/v1/auth/login', body, { quiet401: true }), onWait);
  session.csrf = data.csrf_token;
  setUser(data.user);
  return data.user;
}

export async function register(fields, { onWait } = {}) {
  const data = await whileBusy(() => request('POST', '/api/v1/auth/register', fields), onWait);
  session.csrf = data.csrf_token;
  setUser(data.user);
  return data.user;
}

export async function logout() {
  await request('POST', '/api/v1/auth/logout', undefined, { quiet401: true }).catch((e) => {
    if (!(e instanceof ApiError && e.status === 401)) throw e;
  });
  setUser(null);
  session.csrf = null;
}

/** A sentence for a person, from any error. */
export function describeError(err) {
  if (err instanceof NetworkError)
    return t('You seem to be offline. Please try again when you have a connection.');
  if (err instanceof ApiError) {
    if (err.code === 'rate_limited') {
      if (!err.retryAfter) return t('Too many attempts.');
      const minutes = Math.ceil(err.retryAfter / 60);
      return tn(
        'Too many attempts. Please wait about {n} minute.',
        'Too many attempts. Please wait about {n} minutes.',
        minutes,
      );
    }
    if (err.status === 503 && err.code === 'service_unavailable' && err.retryAfter) return err.message; // written for people: "Many people are logging in at once…"
    if (err.status >= 500) return t('Something went wrong on our side. Please try again in a moment.');
    const fields = Object.values(err.fields).flat();
    if (err.status === 422 && fields.length) return fields.join(' '); // what to change, not just "not valid"
    return err.message;
  }
  return t('Something went wrong. Please try again.');
}
