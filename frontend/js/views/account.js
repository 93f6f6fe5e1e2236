// The provider's account: their language, two-step sign-in (TOTP) setup and the password.
// render() keeps the one state object (the status line and the part that changes); each step
// is a function of it.
import { post, patch, setUser, describeError } from '../api.js';
import { h, clear, field, selectField, focusQuietly } from '../dom.js';
import { t, useLanguage } from '../i18n.js';
import { changePasswordForm } from './password.js';

// Each language in its own words: whoever looks for theirs can read it.
const LANGUAGES = [
  ['en', 'English'],
  ['es', 'Español'],
];

export function render(ctx) {
  const state = {
    status: h('div', { role: 'status', class: 'status' }),
    slot: h('div', {}),
  };
  const start = h('button', { type: 'button', class: 'primary' }, t('Set up two-step sign-in'));
  state.slot.append(
    h(
      'p',
      {},
      t(
        'With two-step sign-in, logging in needs your password and a 6-digit code from an authenticator app on your phone. Please turn it on: your worklist shows health data.',
      ),
    ),
    start,
  );

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t('Account')),
      h(
        'p',
        { class: 'lead' },
        ctx.user.email
          ? t('Logged in as {name} ({email}).', { name: ctx.user.name, email: ctx.user.email })
          : t('Logged in as {name}.', { name: ctx.user.name }),
      ),
      state.status,
      languageSection(ctx, state),
      h(
        'section',
        { 'aria-labelledby': 'mfa-title' },
        h('h2', { id: 'mfa-title' }, t('Two-step sign-in')),
        state.slot,
      ),
      h(
        'section',
        { 'aria-labelledby': 'password-title' },
        h('h2', { id: 'password-title' }, t('Password')),
        changePasswordForm((text) => {
          state.status.textContent = text;
        }),
      ),
    ),
  );

  start.addEventListener('click', async () => {
    start.disabled = true;
    let setup;
    try {
      setup = await post('/api/v1/me/mfa/setup', {});
    } catch (err) {
      start.disabled = false;
      state.status.textContent = describeError(err);
      return;
    }
    await showSetup(state, setup);
  });
}

/**
 * The language this person reads the app, emails and pushes in (PATCH /api/v1/me): the
 * screen is drawn again in it at once, and the next login brings it back.
 */
function languageSection(ctx, state) {
  const choice = selectField({
    label: t('Language'),
    name: 'language',
    options: LANGUAGES,
    value: ctx.user.language || 'en',
    hint: t('For the app, and for the emails and notifications you get.'),
  });
  choice.select.addEventListener('change', async () => {
    choice.select.disabled = true;
    try {
      const user = await patch('/api/v1/me', { language: choice.select.value });
      setUser(user);
      await useLanguage(user.language);
      ctx.go(location.hash); // the whole screen, its navigation too, in the new language
    } catch (err) {
      choice.select.value = ctx.user.language || 'en';
      choice.select.disabled = false;
      state.status.textContent = describeError(err);
    }
  });
  return choice.wrap;
}

// The secret as a QR code and as text, and the form that turns two-step sign-in on.
async function showSetup(state, setup) {
  const qrSlot = h('div', { class: 'qr-slot' });
  const code = field({
    label: t('One-time code'),
    name: 'otp',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    hint: t('The 6-digit code your app shows now.'),
  });
  const confirm = h('button', { type: 'submit', class: 'primary' }, t('Confirm and turn on'));
  const form = h('form', { class: 'stack', novalidate: true }, code.wrap, confirm);
  const title = h('h3', {}, t('Scan this code with your authenticator app'));
  clear(state.slot).append(
    title,
    qrSlot,
    h('p', {}, t('Or enter this key by hand:'), ' ', h('code', { class: 'secret' }, setup.secret)),
    form,
  );
  focusQuietly(title);
  await drawQr(qrSlot, setup.otpauth_uri);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    confirmCode(state, code, confirm);
  });
}

async function drawQr(qrSlot, uri) {
  try {
    const { qrImage } = await import('../qr.js');
    qrSlot.append(qrImage(uri, t('QR code to add Afterglow to your authenticator app')));
  } catch {
    qrSlot.append(h('p', { class: 'hint' }, t('The QR code could not be drawn; enter the key by hand.')));
  }
}

async function confirmCode(state, code, confirm) {
  code.setError(null);
  const otp = code.input.value.replace(/\s+/g, '');
  if (!/^\d{6,8}$/.test(otp)) {
    code.setError(t('Please enter the 6-digit code from your app.'));
    code.input.focus();
    return;
  }
  confirm.disabled = true;
  try {
    await post('/api/v1/me/mfa/confirm', { otp });
    clear(state.slot).append(
      h('p', {}, t('Two-step sign-in is on. From now on, logging in asks for a code from your app.')),
    );
    state.status.textContent = t('Two-step sign-in is on.');
    focusQuietly(state.status);
  } catch (err) {
    confirm.disabled = false;
    code.setError(
      err.status === 422 || err.status === 400 || err.status === 401
        ? t('That code did not match. Codes change every 30 seconds; please try the current one.')
        : describeError(err),
    );
    code.input.focus();
  }
}
