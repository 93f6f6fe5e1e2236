// "Need help now?": the crisis line and the clinic's contact, one tap from every patient screen.
// The words come with the check-in form (DIARY_CRISIS_LINE, DIARY_CLINIC_CONTACT), kept for
// offline use; without them, the local emergency number.
import { h } from '../dom.js';
import { loadDueForm } from '../gad7.js';
import { localDate } from '../dates.js';
import { callable } from './checkin/done.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  let support = {};
  try {
    support = (await loadDueForm(localDate(new Date(), ctx.user.timezone))).support || {};
  } catch {
    /* offline before any form was kept: the emergency number still helps */
  }
  if (!ctx.isCurrent()) return null;
  const crisis = support.crisis || t('your local emergency number');
  ctx.main.append(
    h(
      'section',
      { class: 'page help-page' },
      h('h1', {}, t('Need help now?')),
      h(
        'section',
        { class: 'crisis-box', 'aria-labelledby': 'help-crisis' },
        h('h2', { id: 'help-crisis' }, t('If you are in danger or thinking about harming yourself')),
        h('p', { class: 'crisis-line' }, t('Call the crisis line now:'), ' ', callable(crisis)),
        h('p', {}, t('Or go to your nearest emergency department. You do not need to wait.')),
      ),
      h(
        'section',
        { class: 'support-box', 'aria-labelledby': 'help-clinic' },
        h('h2', { id: 'help-clinic' }, t('Your clinic')),
        h(
          'p',
          {},
          support.clinic
            ? [t('Call your clinic:'), ' ', callable(support.clinic)]
            : t('Call your clinic and tell them how you feel.'),
        ),
        h(
          'p',
          { class: 'hint' },
          t('Your care team reads your diary and your notes, but not in real time and not around the clock.'),
        ),
      ),
    ),
  );
  return null;
}
