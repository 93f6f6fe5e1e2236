// The provider's account: two-step sign-in (TOTP) setup.
import { post, describeError } from '../api.js';
import { h, clear, field, focusQuietly } from '../dom.js';

export function render(ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const slot = h('div', {});
  const start = h('button', { type: 'button', class: 'primary' }, 'Set up two-step sign-in');
  slot.append(
    h(
      'p',
      {},
      'With two-step sign-in, logging in needs your password and a 6-digit code from an authenticator app on your phone. ' +
        'Please turn it on: your worklist shows health data.',
    ),
    start,
  );

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, 'Account'),
      h(
        'p',
        { class: 'lead' },
        `Logged in as ${ctx.user.name}${ctx.user.email ? ` (${ctx.user.email})` : ''}.`,
      ),
      status,
      h(
        'section',
        { 'aria-labelledby': 'mfa-title' },
        h('h2', { id: 'mfa-title' }, 'Two-step sign-in'),
        slot,
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
      status.textContent = describeError(err);
      return;
    }
    const qrSlot = h('div', { class: 'qr-slot' });
    const code = field({
      label: 'One-time code',
      name: 'otp',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      hint: 'The 6-digit code your app shows now.',
    });
    const confirm = h('button', { type: 'submit', class: 'primary' }, 'Confirm and turn on');
    const form = h('form', { class: 'stack', novalidate: true }, code.wrap, confirm);
    const title = h('h3', {}, 'Scan this code with your authenticator app');
    clear(slot).append(
      title,
      qrSlot,
      h('p', {}, 'Or enter this key by hand: ', h('code', { class: 'secret' }, setup.secret)),
      form,
    );
    focusQuietly(title);
    try {
      const { qrImage } = await import('../qr.js');
      qrSlot.append(qrImage(setup.otpauth_uri, 'QR code to add Afterglow to your authenticator app'));
    } catch {
      qrSlot.append(h('p', { class: 'hint' }, 'The QR code could not be drawn; enter the key by hand.'));
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      code.setError(null);
      const otp = code.input.value.replace(/\s+/g, '');
      if (!/^\d{6,8}$/.test(otp)) {
        code.setError('Please enter the 6-digit code from your app.');
        code.input.focus();
        return;
      }
      confirm.disabled = true;
      try {
        await post('/api/v1/me/mfa/confirm', { otp });
        clear(slot).append(
          h('p', {}, 'Two-step sign-in is on. From now on, logging in asks for a code from your app.'),
        );
        status.textContent = 'Two-step sign-in is on.';
        focusQuietly(status);
      } catch (err) {
        confirm.disabled = false;
        code.setError(
          err.status === 422 || err.status === 400 || err.status === 401
            ? 'That code did not match. Codes change every 30 seconds; please try the current one.'
            : describeError(err),
        );
        code.input.focus();
      }
    });
  });
}
