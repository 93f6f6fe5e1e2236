// The patient's place in care: active, paused by the patient, discharged or closed, and the
// care team's Discharge / Readmit buttons (docs/api.md, "Patients who come and go").
import { post, describeError } from '../../api.js';
import { h, confirmDialog } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { t } from '../../i18n.js';

/** A sentence on the patient's status and the button that changes it. */
export function careStatus(state, actions) {
  const patient = state.data.patient;
  return [h('p', { class: 'care-status' }, statusSentence(patient)), statusButton(state, patient, actions)];
}

export function statusSentence(patient) {
  if (patient.closed_by_patient) return t('Account closed by the patient. The record is kept.');
  if (patient.status === 'discharged') {
    return patient.discharge_reason
      ? t('Discharged: {reason}. No reminders, no new flags.', { reason: patient.discharge_reason })
      : t('Discharged. No reminders, no new flags.');
  }
  if (patient.status === 'paused') {
    return t('Active. The patient paused reminders until {date}.', {
      date: formatDate(patient.paused_until, { weekday: true }),
    });
  }
  return t('Active.');
}

function statusButton(state, patient, actions) {
  if (patient.closed_by_patient) return null;
  const discharged = patient.status === 'discharged';
  const button = h(
    'button',
    { type: 'button', class: 'secondary' },
    discharged ? t('Readmit') : t('Discharge'),
  );
  button.addEventListener('click', async () => {
    if (!discharged && !(await confirmDischarge(patient))) return;
    button.disabled = true;
    try {
      await post(`${state.base}/${discharged ? 'readmit' : 'discharge'}`, {});
      actions.say(
        discharged
          ? t('{name} is active again.', { name: patient.name })
          : t('{name} is discharged.', { name: patient.name }),
      );
      await actions.load();
    } catch (err) {
      actions.say(describeError(err));
      button.disabled = false;
    }
  });
  return button;
}

function confirmDischarge(patient) {
  return confirmDialog({
    title: t('Discharge {name}?', { name: patient.name }),
    text: t(
      'Reminders stop, open flags close, and new check-ins are not taken. The patient can still read and export the diary. You can readmit them later.',
    ),
    choices: [
      { value: 'discharge', label: t('Discharge'), primary: true },
      { value: 'cancel', label: t('Cancel') },
    ],
    confirm: 'discharge',
  });
}
