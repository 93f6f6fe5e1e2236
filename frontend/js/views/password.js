// Passwords: "Forgot your password?" (#/forgot), the emailed link (#/reset?token=…) and a
// change while logged in (the patient's Settings, the provider's Account). Loaded with
// import() where needed: nobody needs it to open the app (docs/api.md, "Password reset").
import { post, loadSession, ApiError, describeError } from '../api.js';
import { h, clear, field, focusQuietly } from '../dom.js';
import { t } from '../i18n.js';

const passwordHint = () => t('At least 12 characters. A few words you will remember work well.');

function formError() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

function showFormError(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

// Links on their own line: a whole row to tap (44 px), not a word in a sentence.
function links(...pairs) {
  return h(
    'ul',
    { class: 'link-list' },
    pairs.map(([href, text]) => h('li', {}, h('a', { href }, text))),
  );
}

const backToLogin = () => ['#/login', t('Back to log in')];

// ---- asking for a link ------------------------------------------------------------

export function renderForgot(ctx) {
  const state = {
    email: field({
      label: t('Email'),
      name: 'email',
      type: 'email',
      autocomplete: 'username',
      required: true,
    }),
    error: formError(),
    submit: h('button', { type: 'submit', class: 'primary wide' }, t('Send reset link')),
    slot: h('div', {}),
  };
  const form = h('form', { class: 'stack', novalidate: true }, state.email.wrap, state.error, state.submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    askForLink(state);
  });
  state.slot.append(
    h(
      'p',
      { class: 'lead' },
      t('Enter the email you log in with. We will send you a link to choose a new password.'),
    ),
    form,
  );
  ctx.main.append(
    h(
      'section',
      { class: 'narrow' },
      h('h1', {}, t('Reset your password')),
      state.slot,
      links(backToLogin()),
    ),
  );
}

async function askForLink(state) {
  const email = state.email.input.value.trim();
  state.email.setError(null);
  showFormError(state.error, '');
  if (!email) {
    state.email.setError(t('Please enter your email address.'));
    return state.email.input.focus();
  }
  state.submit.disabled = true;
  try {
    await post('/api/v1/auth/password-reset', { email });
    linkSent(state, email);
  } catch (err) {
    if (err instanceof ApiError && err.fields?.email)
      state.email.setError(t('Please check the email address.'));
    else showFormError(state.error, describeError(err));
    state.submit.disabled = false;
  }
}

// The same words whether or not the email has an account: the server does not say either.
function linkSent(state, email) {
  const title = h('h2', { tabindex: '-1' }, t('Check your email'));
  clear(state.slot).append(
    title,
    h(
      'p',
      {},
      t(
        'If {email} belongs to an Afterglow account, an email with a link is on its way. It can take a minute or two to arrive. The link works once, for 60 minutes.',
        { email },
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      t('Nothing arrived? Look in your spam folder, or ask for a new link a little later.'),
    ),
  );
  focusQuietly(title);
}

// ---- the emailed link --------------------------------------------------------------

let heldToken = null; // kept here once read: the address bar and the history no longer hold it

function takeToken(query) {
  const token = query.get('token');
  if (token) {
    heldToken = token;
    history.replaceState(history.state, '', `${location.pathname}${location.search}#/reset`);
  }
  return heldToken;
}

export function renderReset(ctx) {
  const token = takeToken(ctx.query);
  const section = h('section', { class: 'narrow' }, h('h1', {}, t('Choose a new password')));
  ctx.main.append(section);
  if (!token) {
    section.append(...linkUnusable(t('This page needs the link from your email.')));
    return;
  }
  const state = {
    token,
    section,
    go: ctx.go,
    password: field({
      label: t('New password'),
      name: 'password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hint: passwordHint(),
    }),
    error: formError(),
    submit: h('button', { type: 'submit', class: 'primary wide' }, t('Save new password')),
  };
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    state.password.wrap,
    state.error,
    state.submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setNewPassword(state);
  });
  section.append(form);
}

function linkUnusable(text) {
  return [h('p', {}, text), links(['#/forgot', t('Ask for a new link')], backToLogin())];
}

async function setNewPassword(state) {
  const { password } = state;
  password.setError(null);
  showFormError(state.error, '');
  if (password.input.value.length < 12) {
    password.setError(t('Please use at least 12 characters.'));
    return password.input.focus();
  }
  state.submit.disabled = true;
  try {
    await post('/api/v1/auth/password-reset/confirm', { token: state.token, password: password.input.value });
    heldToken = null;
    await loadSession().catch(() => {}); // every session of the account has ended, this one's too
    passwordSet(state);
  } catch (err) {
    state.submit.disabled = false;
    resetProblem(state, err);
  }
}

function passwordSet({ section, go }) {
  const done = h('p', { tabindex: '-1', role: 'status' }, t('Your new password is saved.'));
  clear(section).append(
    h('h1', {}, t('Password changed')),
    done,
    h('p', {}, t('You have been logged out everywhere. Please log in with your new password.')),
    h('button', { type: 'button', class: 'primary wide', onclick: () => go('#/login') }, t('Log in')),
  );
  focusQuietly(done);
}

function resetProblem(state, err) {
  if (err instanceof ApiError && err.code === 'invalid_token') {
    heldToken = null;
    clear(state.section).append(
      h('h1', {}, t('Choose a new password')),
      ...linkUnusable(
        t(
          'This link cannot be used any more: it was used already, a newer one was sent, or it is more than an hour old.',
        ),
      ),
    );
  } else if (err instanceof ApiError && err.fields?.password) {
    state.password.setError(err.fields.password.join(' '));
    state.password.input.focus();
  } else {
    showFormError(state.error, describeError(err));
  }
}

// ---- a change while logged in ------------------------------------------------------

/** The "Change password" form; ``say(text)`` tells the page's status region. */
export function changePasswordForm(say) {
  const parts = {
    current: field({
      label: t('Current password'),
      name: 'current_password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    next: field({
      label: t('New password'),
      name: 'new_password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hint: passwordHint(),
    }),
    problem: formError(),
    save: h('button', { type: 'submit', class: 'primary' }, t('Change password')),
  };
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    parts.current.wrap,
    parts.next.wrap,
    parts.problem,
    parts.save,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    changePassword(parts, say);
  });
  return form;
}

function checkChange({ current, next }) {
  if (!current.input.value) {
    current.setError(t('Please enter your current password.'));
    return current;
  }
  if (next.input.value.length < 12) {
    next.setError(t('Please use at least 12 characters.'));
    return next;
  }
  return null;
}

async function changePassword(parts, say) {
  const { current, next, problem, save } = parts;
  current.setError(null);
  next.setError(null);
  showFormError(problem, '');
  const first = checkChange(parts);
  if (first) return first.input.focus();
  save.disabled = true;
  try {
    await post('/api/v1/me/password', {
      current_password: current.input.value,
      new_password: next.input.value,
    });
    await loadSession(); // the session's CSRF token was replaced
    current.input.value = '';
    next.input.value = '';
    say(t('Your password is changed. You stay logged in here; your other devices have been logged out.'));
  } catch (err) {
    changeProblem(parts, err);
  } finally {
    save.disabled = false;
  }
}

function changeProblem({ current, next, problem }, err) {
  if (err instanceof ApiError && err.code === 'invalid_credentials') {
    current.setError(t('That is not your current password.'));
    current.input.focus();
  } else if (err instanceof ApiError && err.fields?.new_password) {
    next.setError(err.fields.new_password.join(' '));
    next.input.focus();
  } else {
    showFormError(problem, describeError(err));
  }
}
