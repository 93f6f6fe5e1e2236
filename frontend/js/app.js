// Afterglow's entry point: session, hash router, header and the offline outbox triggers.
import {
  session,
  loadSession,
  cachedUser,
  logout,
  onUnauthenticated,
  onSessionChanged,
  NetworkError,
  describeError,
  request,
} from './api.js';
import { h, clear, focusQuietly, confirmDialog } from './dom.js';
import * as outbox from './outbox.js';
import { flushOutbox } from './sync.js';
import { formatDate, localDate } from './dates.js';
import * as auth from './views/auth.js';
import * as checkin from './views/checkin/index.js';
import * as history from './views/history.js';
import * as sessions from './views/sessions.js';
import * as settings from './views/settings.js';
import * as welcome from './views/welcome.js';
import * as help from './views/help.js';
import { forgetForms } from './gad7.js';
import { useLanguage, browserLanguage, t, tn } from './i18n.js';
import { syncPush, disablePush } from './push.js';

// The provider's screens are loaded when a provider first opens one (then cached by the
// service worker): a patient's phone never downloads them, and they need the server anyway.
function provider(load) {
  return async (ctx) => {
    let view;
    try {
      view = await load();
    } catch (err) {
      throw new NetworkError(err);
    }
    return ctx.isCurrent() ? view.render(ctx) : null; // another screen was asked for meanwhile
  };
}

// Forgotten passwords: rare, and only online, so loaded when asked for too.
function passwords(screen) {
  return provider(() => import('./views/password.js').then((m) => ({ render: m[screen] })));
}

const ROUTES = [
  { re: /^\/login$/, view: auth.renderLogin, who: 'guest', title: () => t('Log in') },
  { re: /^\/join$/, view: auth.renderJoin, who: 'anyone', title: () => t('Create your account') },
  { re: /^\/forgot$/, view: passwords('renderForgot'), who: 'guest', title: () => t('Reset your password') },
  { re: /^\/reset$/, view: passwords('renderReset'), who: 'anyone', title: () => t('Choose a new password') },
  { re: /^\/welcome$/, view: welcome.render, who: 'patient', title: () => t('Welcome') },
  { re: /^\/checkin$/, view: checkin.render, who: 'patient', title: () => t('Check in'), nav: 'checkin' },
  { re: /^\/history$/, view: history.render, who: 'patient', title: () => t('History'), nav: 'history' },
  { re: /^\/sessions$/, view: sessions.render, who: 'patient', title: () => t('Sessions'), nav: 'sessions' },
  { re: /^\/settings$/, view: settings.render, who: 'patient', title: () => t('Settings'), nav: 'settings' },
  { re: /^\/help$/, view: help.render, who: 'patient', title: () => t('Need help now?'), nav: 'help' },
  {
    re: /^\/patients$/,
    view: provider(() => import('./views/worklist.js')),
    who: 'provider',
    title: () => t('Worklist'),
    nav: 'patients',
  },
  {
    re: /^\/patients\/([\w-]+)$/,
    view: provider(() => import('./views/timeline/index.js')),
    who: 'provider',
    title: () => t('Patient'),
    nav: 'patients',
  },
  {
    re: /^\/outcomes$/,
    view: provider(() => import('./views/outcomes.js')),
    who: 'provider',
    title: () => t('Outcomes'),
    nav: 'outcomes',
  },
  {
    re: /^\/admin$/,
    view: provider(() => import('./views/admin/index.js')),
    who: 'provider',
    admin: true,
    title: () => t('Administration'),
    nav: 'admin',
  },
  {
    re: /^\/account$/,
    view: provider(() => import('./views/account.js')),
    who: 'provider',
    title: () => t('Account'),
    nav: 'account',
  },
];

// The navigation of each role: [key, href, label, only whom].
function navFor(role) {
  if (role === 'patient') {
    return [
      ['checkin', '#/checkin', t('Check in')],
      ['history', '#/history', t('History')],
      ['sessions', '#/sessions', t('Sessions')],
      ['settings', '#/settings', t('Settings')],
    ];
  }
  if (role === 'provider') {
    return [
      ['patients', '#/patients', t('Patients')],
      ['outcomes', '#/outcomes', t('Outcomes')],
      ['admin', '#/admin', t('Administration'), 'admin'],
      ['account', '#/account', t('Account')],
    ];
  }
  return [];
}

const main = document.getElementById('main');
const navEl = document.getElementById('nav');
const userBox = document.getElementById('userbox');
const notice = document.getElementById('notice');
let cleanup = null;
let renderToken = 0;
let returnTo = null;
let flash = null; // a message for the next screen (e.g. after logout)

export function homeFor(user) {
  if (!user) return '#/login';
  return user.role === 'provider' ? '#/patients' : '#/checkin';
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

// The patient's local date when the screen was drawn: a screen left open over midnight is
// drawn again for the new day, rather than say "Done for today" about the day before. (Not
// a provider's: a form half filled in at a desk at midnight is worth more than the date.)
let drawnOn = null;
function dayHasTurned() {
  const user = session.user;
  return Boolean(user?.role === 'patient' && drawnOn && localDate(new Date(), user.timezone) !== drawnOn);
}
setInterval(() => {
  if (document.visibilityState === 'visible' && dayHasTurned()) route();
}, 60 * 1000);

async function route() {
  const token = ++renderToken;
  const { path, query } = parseHash();
  const user = session.user;
  drawnOn = user ? localDate(new Date(), user.timezone) : null;
  const match = ROUTES.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
  if (!match) return go(homeFor(user));
  const { r, m } = match;
  if (r.who === 'guest' && user) return go(homeFor(user));
  if ((r.who === 'patient' || r.who === 'provider') && !user) {
    returnTo = location.hash;
    return go('#/login');
  }
  if ((r.who === 'patient' || r.who === 'provider') && user.role !== r.who) return go(homeFor(user));
  if (r.admin && !user.admin) return go(homeFor(user));

  // The person's language, else the browser's before login (a no-op when it is already shown).
  if (await useLanguage(user?.language || browserLanguage())) languageChanged();
  if (token !== renderToken) return;
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  renderChrome(r.nav);
  clear(main);
  document.title = `${r.title()} · Afterglow`;
  const ctx = {
    main,
    params: m.slice(1),
    query,
    user,
    flash: flash
      ? (() => {
          const f = flash;
          flash = null;
          return f;
        })()
      : null,
    setTitle(title) {
      document.title = `${title} · Afterglow`;
    },
    isCurrent: () => token === renderToken,
    afterLogin,
    go,
  };
  try {
    const done = await r.view(ctx);
    if (token === renderToken) cleanup = done;
    else if (typeof done === 'function') done();
  } catch (err) {
    if (token !== renderToken) return;
    clear(main);
    main.append(
      h('h1', {}, t('Something went wrong')),
      h('p', {}, describeError(err)),
      h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => route() }, t('Try again'))),
    );
  }
  if (token !== renderToken) return;
  focusQuietly(main.querySelector('h1'));
}

function renderChrome(active) {
  const user = session.user;
  document.body.classList.toggle('is-provider', user?.role === 'provider');
  document.body.classList.toggle('is-patient', user?.role === 'patient');
  clear(navEl);
  clear(userBox);
  if (!user) {
    navEl.hidden = true;
    return;
  }
  navEl.hidden = false;
  const list = h('ul', {});
  for (const [key, href, label, only] of navFor(user.role)) {
    if (only === 'admin' && !user.admin) continue; // administrators only
    list.append(h('li', {}, h('a', { href, 'aria-current': key === active ? 'page' : null }, label)));
  }
  navEl.append(list);
  if (user.role === 'patient') {
    // On every patient screen: the crisis line and the clinic, one tap away.
    userBox.append(
      h(
        'a',
        { href: '#/help', class: 'help-link', 'aria-current': active === 'help' ? 'page' : null },
        t('Need help now?'),
      ),
    );
  }
  userBox.append(
    h('span', { class: 'who' }, user.name),
    h('button', { type: 'button', class: 'quiet', onclick: onLogoutClick }, t('Log out')),
  );
}

export function afterLogin(user, firstRun = null) {
  const target =
    firstRun ||
    (returnTo && !returnTo.startsWith('#/login') && !returnTo.startsWith('#/join')
      ? returnTo
      : homeFor(user));
  returnTo = null;
  flushOutbox().catch(() => {});
  if (user.role === 'patient') syncPush(user.id).catch(() => {});
  go(target);
}

// ---- log out ---------------------------------------------------------------

async function onLogoutClick(event) {
  const button = event.currentTarget;
  const user = session.user;
  if (!user) return;
  if (navigator.onLine === false) {
    showNotice(t('You need a connection to log out. Please try again when you are online.'));
    return;
  }
  button.disabled = true;
  try {
    if (user.role === 'patient') {
      await flushOutbox().catch(() => {});
      const pending = await outbox.count(user.id).catch(() => 0);
      if (pending && !(await confirmDiscard(pending))) return;
      await disablePush({ atLogout: true }).catch(() => {}); // not subscribed, or no push support
    }
    await logout();
    await outbox.wipe(user.id).catch(() => {});
    forgetForms();
    flash = t('You have logged out.');
    await loadSession().catch(() => {});
    go('#/login');
  } catch (err) {
    showNotice(
      err instanceof NetworkError
        ? t('You need a connection to log out. Please try again when you are online.')
        : describeError(err),
    );
  } finally {
    button.disabled = false;
  }
}

function confirmDiscard(pending) {
  return confirmDialog({
    title: t('Some check-ins have not been sent yet'),
    text: tn(
      'One check-in is still waiting on this device for a connection. If you log out now, it will be deleted and not sent.',
      '{n} check-ins are still waiting on this device for a connection. If you log out now, they will be deleted and not sent.',
      pending,
    ),
    choices: [
      { value: 'stay', label: t('Stay logged in'), primary: true },
      { value: 'discard', label: t('Delete and leave') },
    ],
    confirm: 'discard',
  });
}

// ---- offline notice and outbox triggers -----------------------------------

let noticeTimer = null;
function showNotice(text, { sticky = false } = {}) {
  clearTimeout(noticeTimer);
  notice.textContent = text;
  if (text && !sticky) noticeTimer = setTimeout(updateNetworkNotice, 12000);
}

function updateNetworkNotice() {
  if (navigator.onLine === false) {
    showNotice(
      session.user?.role === 'patient'
        ? t('You are offline. Check-ins you save now will be sent when you are back online.')
        : t('You are offline. Some things will not load until you are back online.'),
      { sticky: true },
    );
  } else {
    showNotice('');
  }
}

window.addEventListener('outbox-flushed', (e) => {
  const { sent, rejected } = e.detail;
  const made = sent.filter(({ payload }) => outbox.kindOf(payload) === 'create').length;
  const changes = sent.length - made;
  const parts = [];
  if (made) {
    parts.push(
      tn(
        'A check-in saved offline has now been sent.',
        '{n} check-ins saved offline have now been sent.',
        made,
      ),
    );
  }
  if (changes) {
    parts.push(
      tn(
        'A change saved offline has now been sent.',
        '{n} changes saved offline have now been sent.',
        changes,
      ),
    );
  }
  for (const { payload, error } of rejected) {
    const params = {
      day: formatDate((payload.recorded_at || '').slice(0, 10)),
      reason: describeError(error),
    };
    parts.push(
      outbox.kindOf(payload) === 'create'
        ? t('A check-in from {day} could not be stored: {reason}', params)
        : t('Your change to the check-in from {day} could not be made: {reason}', params),
    );
  }
  showNotice(parts.join(' '));
});

window.addEventListener('online', async () => {
  updateNetworkNotice();
  if (session.offline) {
    try {
      await loadSession();
      if (!session.user) return go('#/login');
      renderChrome(null);
      route();
    } catch {
      return;
    }
  }
  flushOutbox().catch(() => {});
});
window.addEventListener('offline', updateNetworkNotice);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  if (dayHasTurned()) route();
  checkSession();
  flushOutbox().catch(() => {});
});

// A session that ended while the app stayed open (idle timeout, logged out elsewhere):
// say so, and keep whatever was not sent. Drafts and the outbox stay on the device,
// encrypted, and go out after the same person logs in again.
async function sessionEnded() {
  const user = session.user;
  if (!user) return;
  session.user = null;
  returnTo = location.hash;
  const kept = user.role === 'patient' ? await outbox.count(user.id).catch(() => 0) : 0;
  flash = kept
    ? t(
        'Your session has ended. Please log in again: your unsent check-in is kept on this device and will be sent after you log in.',
      )
    : t('Your session has ended. Please log in again.');
  go('#/login');
}

async function checkSession() {
  if (!session.user || navigator.onLine === false) return;
  try {
    const data = await request('GET', '/api/v1/auth/session');
    session.csrf = data.csrf_token;
    if (!data.user) sessionEnded();
    else if (data.user.id !== session.user.id) personChanged();
  } catch {
    /* offline or the server is unwell: nothing to say yet */
  }
}

onUnauthenticated(() => {
  sessionEnded();
});

// Someone else logged in on this device (another tab) while this one stayed open: start
// again as them, rather than show one person's screens with another's data.
function personChanged() {
  location.reload();
}
onSessionChanged(personChanged);

window.addEventListener('checkin-kept', () => {
  showNotice(
    t(
      'Your session had ended, so your check-in is kept on this device. It will be sent after you log in again.',
    ),
    { sticky: true },
  );
});

document.getElementById('skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  focusQuietly(main.querySelector('h1') || main);
});

// ---- the page's own texts (index.html's, written before any script runs) -----

function translatePage() {
  const skip = document.getElementById('skip-link');
  if (skip) skip.textContent = t('Skip to content');
  navEl.setAttribute('aria-label', t('Main'));
}

// Another language from now on (logging in as someone else, a change in Settings).
function languageChanged() {
  translatePage();
  if (navigator.onLine === false) updateNetworkNotice();
}

// ---- start -------------------------------------------------------------------

async function start() {
  let problem = null;
  try {
    await loadSession();
  } catch (err) {
    const cached = cachedUser();
    if (err instanceof NetworkError && cached) {
      session.user = cached;
      session.offline = true;
    } else {
      problem = err;
    }
  }
  // The language first: the notices below, and the screen, are in it.
  await useLanguage(session.user?.language || browserLanguage());
  translatePage();
  if (problem) {
    flash =
      problem instanceof NetworkError
        ? t('You seem to be offline. Please connect to log in.')
        : describeError(problem);
  }
  window.addEventListener('hashchange', route);
  updateNetworkNotice();
  await route();
  flushOutbox().catch(() => {});
  // The server may have dropped this device's subscription (a refused key, an expired endpoint).
  if (session.user?.role === 'patient' && !session.offline) syncPush(session.user.id).catch(() => {});
}

if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  });
}

start();
