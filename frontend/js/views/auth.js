// Log in, and join from an invite (docs/api.md, "Accounts and sessions" and "The PWA's accessible names").
// Each screen keeps one state object (its fields, error line, wait notice and button); the
// forms are checked and sent by functions of (state, ctx) below.
import { login, register, post, ApiError, describeError } from '../api.js';
import { h, field, focusQuietly } from '../dom.js';
import { deviceTimeZone } from '../dates.js';
import { t } from '../i18n.js';

function formError() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

// A calm line while the server asks us to wait (many logins at once): not an error, nothing to fix.
function waitNotice() {
  const el = h('p', { role: 'status', class: 'status', hidden: true });
  return {
    el,
    show: () => {
      el.textContent = t('The diary is busy right now. Trying again for you in a moment…');
      el.hidden = false;
    },
    hide: () => {
      el.hidden = true;
    },
  };
}

function showFormError(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

export function renderLogin(ctx) {
  const state = {
    fields: loginFields(),
    error: formError(),
    waiting: waitNotice(),
    submit: h('button', { type: 'submit', class: 'primary wide' }, t('Log in')),
  };
  const { email, password, otp } = state.fields;
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    email.wrap,
    password.wrap,
    otp.wrap,
    state.error,
    state.waiting.el,
    state.submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    logIn(state, ctx);
  });

  ctx.main.append(
    h(
      'section',
      { class: 'narrow' },
      h('h1', {}, t('Log in')),
      ctx.flash ? h('p', { class: 'calm' }, ctx.flash) : null,
      h('p', { class: 'lead' }, t('Afterglow is a short daily diary between your treatment sessions.')),
      form,
      h('ul', { class: 'link-list' }, h('li', {}, h('a', { href: '#/forgot' }, t('Forgot your password?')))),
      h(
        'p',
        { class: 'aside' },
        t('Got an invite from your clinic?'),
        ' ',
        h('a', { href: '#/join' }, t('Create your account')),
      ),
    ),
  );
}

function loginFields() {
  const fields = {
    email: field({
      label: t('Email'),
      name: 'email',
      type: 'email',
      autocomplete: 'username',
      required: true,
    }),
    password: field({
      label: t('Password'),
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    otp: field({
      label: t('One-time code'),
      name: 'otp',
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      hint: t('The 6-digit code from your authenticator app.'),
    }),
  };
  fields.otp.wrap.hidden = true;
  return fields;
}

async function logIn(state, ctx) {
  const { email, password, otp } = state.fields;
  showFormError(state.error, '');
  email.setError(null);
  password.setError(null);
  otp.setError(null);
  if (!email.input.value.trim()) {
    email.setError(t('Please enter your email address.'));
    return email.input.focus();
  }
  if (!password.input.value) {
    password.setError(t('Please enter your password.'));
    return password.input.focus();
  }
  state.submit.disabled = true;
  try {
    const user = await login(
      email.input.value.trim(),
      password.input.value,
      otp.wrap.hidden ? null : otp.input.value.trim(),
      { onWait: state.waiting.show },
    );
    ctx.afterLogin(user);
  } catch (err) {
    showLoginProblem(state, err);
  } finally {
    state.waiting.hide();
    state.submit.disabled = false;
  }
}

// A second factor asked for (the code field appears), a wrong password or code, or anything else.
function showLoginProblem(state, err) {
  const { otp } = state.fields;
  if (err instanceof ApiError && err.code === 'mfa_required') {
    const wasHidden = otp.wrap.hidden;
    otp.wrap.hidden = false;
    if (!wasHidden)
      otp.setError(t('That code did not work. Codes change every 30 seconds; please try the current one.'));
    otp.input.focus();
  } else if (err instanceof ApiError && err.code === 'invalid_credentials') {
    showFormError(
      state.error,
      otp.wrap.hidden
        ? t('That email and password do not match an account. Please check them and try again.')
        : t('That did not work. Please check your password and the one-time code.'),
    );
  } else {
    showFormError(state.error, describeError(err));
  }
}

export function renderJoin(ctx) {
  if (ctx.user) {
    ctx.main.append(alreadyLoggedIn(ctx.user));
    return;
  }
  forgetOldLinkDetails(ctx.query);
  const state = {
    timezone: deviceTimeZone(),
    fields: joinFields(ctx.query),
    error: formError(),
    waiting: waitNotice(),
    submit: h('button', { type: 'submit', class: 'primary wide' }, t('Create account')),
  };
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    Object.values(state.fields).map((f) => f.wrap),
    h(
      'p',
      { class: 'hint' },
      t('Your time zone: {zone}. You can change it later in Settings.', { zone: state.timezone }),
    ),
    state.error,
    state.waiting.el,
    state.submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    join(state, ctx);
  });
  const { invite_code: code } = state.fields;
  code.input.addEventListener('change', () => prefill(state));
  if (code.input.value) prefill(state);

  ctx.main.append(
    h(
      'section',
      { class: 'narrow' },
      h('h1', {}, t('Create your account')),
      h(
        'p',
        { class: 'lead' },
        t(
          'Your clinic invited you to keep a short daily diary between sessions. Only your care team can see it.',
        ),
      ),
      form,
      h(
        'p',
        { class: 'aside' },
        t('Already have an account?'),
        ' ',
        h('a', { href: '#/login' }, t('Log in')),
      ),
    ),
  );
}

function alreadyLoggedIn(user) {
  return h(
    'section',
    { class: 'narrow' },
    h('h1', {}, t('Create your account')),
    h(
      'p',
      {},
      t('You are logged in as {name}. To use this invite for a new account, log out first.', {
        name: user.name,
      }),
    ),
    h('p', {}, h('a', { href: user.role === 'provider' ? '#/patients' : '#/checkin' }, t('Go to the app'))),
  );
}

// Links made before the code-only link carried the name and email: the form still opens, and
// the address bar (history, a shared phone) keeps the code only.
function forgetOldLinkDetails(query) {
  if (!query.has('name') && !query.has('email')) return;
  const code = query.get('code');
  history.replaceState(history.state, '', code ? `#/join?code=${encodeURIComponent(code)}` : '#/join');
}

// Once a code is entered, the server fills in what the invite holds (the code rides in the body,
// never in a URL). A name the patient typed is kept; everything stays editable.
async function prefill({ fields }) {
  const { invite_code: code, name, email } = fields;
  const value = code.input.value.trim();
  if (!value) return;
  code.setError(null);
  try {
    const found = await post('/api/v1/auth/invite-details', { invite_code: value });
    if (found.name && (!name.input.value.trim() || name.input.dataset.prefilled)) {
      name.input.value = found.name;
      name.input.dataset.prefilled = 'yes';
    }
    if (found.email) {
      email.input.value = found.email;
      email.hint.textContent = t('The invite is for this email address.');
    }
  } catch (err) {
    if (err instanceof ApiError && err.fields?.invite_code) code.setError(err.fields.invite_code.join(' '));
    else if (err instanceof ApiError && err.status === 429) code.setError(describeError(err));
  }
}

function joinFields(query) {
  const code = (query.get('code') || '').trim();
  const fields = {
    invite_code: field({
      label: t('Invite code'),
      name: 'invite_code',
      value: code,
      autocomplete: 'off',
      required: true,
      hint: code ? t('Filled in from your invite link.') : t('You find it in the invite from your clinic.'),
    }),
    name: field({ label: t('Name'), name: 'name', autocomplete: 'name', required: true }),
    email: field({
      label: t('Email'),
      name: 'email',
      type: 'email',
      autocomplete: 'email',
      required: true,
      hint: t('Filled in from your invite once the code is entered, where it has one.'),
    }),
    password: field({
      label: t('Password'),
      name: 'password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hint: t('At least 12 characters. A few words you will remember work well.'),
    }),
  };
  fields.name.input.addEventListener('input', () => {
    delete fields.name.input.dataset.prefilled;
  });
  fields.invite_code.input.setAttribute('autocapitalize', 'characters');
  fields.invite_code.input.setAttribute('spellcheck', 'false');
  return fields;
}

const missing = () => ({
  invite_code: t('Please enter your invite code.'),
  name: t('Please enter your name.'),
  email: t('Please enter your email address.'),
  password: t('Please choose a password.'),
});

async function join(state, ctx) {
  const { fields } = state;
  showFormError(state.error, '');
  for (const f of Object.values(fields)) f.setError(null);
  const body = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.input.value.trim()]));
  body.password = fields.password.input.value;
  body.timezone = state.timezone;
  const first = checkJoin(fields, body);
  if (first) return first.input.focus();
  state.submit.disabled = true;
  try {
    const user = await register(body, { onWait: state.waiting.show });
    ctx.afterLogin(user, '#/welcome');
  } catch (err) {
    showJoinProblem(state, err);
  } finally {
    state.waiting.hide();
    state.submit.disabled = false;
  }
}

// Marks what is missing or too short; returns the first field to fix, or null.
function checkJoin(fields, body) {
  let first = null;
  for (const [k, msg] of Object.entries(missing())) {
    if (!body[k]) {
      fields[k].setError(msg);
      first = first || fields[k];
    }
  }
  if (!first && body.password.length < 12) {
    fields.password.setError(t('Please use at least 12 characters.'));
    first = fields.password;
  }
  return first;
}

function showJoinProblem({ fields, error }, err) {
  if (err instanceof ApiError && err.status === 409) {
    fields.email.setError(t('An account with this email already exists. You can log in instead.'));
    fields.email.input.focus();
  } else if (err instanceof ApiError && err.status === 422 && Object.keys(err.fields).length) {
    let focus = null;
    for (const [k, msgs] of Object.entries(err.fields)) {
      if (fields[k]) {
        fields[k].setError(msgs.join(' '));
        focus = focus || fields[k];
      } else {
        showFormError(error, msgs.join(' '));
      }
    }
    if (focus) focus.input.focus();
  } else {
    showFormError(error, describeError(err));
    focusQuietly(error);
  }
}
