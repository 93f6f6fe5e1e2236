// The patient's place in care: active, paused by the patient, discharged or closed, and the
// care team's Discharge / Readmit buttons (docs/api.md, "Patients who come and go").
import { post, describeError } from '../../api.js';
import { h, confirmDialog } from '../../dom.js';
import { formatDate } from '../../dates.js';

/** A sentence on the patient's status and the button that changes it. */
export function careStatus(state, actions) {
  const patient = state.data.patient;
  return [h('p', { class: 'care-status' }, statusSentence(patient)), statusButton(state, patient, actions)];
}

export function statusSentence(patient) {
  if (patient.closed_by_patient) return 'Account closed by the patient. The record is kept.';
  if (patient.status === 'discharged') {
    return `Discharged${patient.discharge_reason ? `: ${patient.discharge_reason}` : ''}. No reminders, no new flags.`;
  }
  if (patient.status === 'paused') {
    return `Active. The patient paused reminders until ${formatDate(patient.paused_until, { weekday: true })}.`;
  }
  return 'Active.';
}

function statusButton(state, patient, actions) {
  if (patient.closed_by_patient) return null;
  const discharged = patient.status === 'discharged';
  const button = h('button', { type: 'button', class: 'secondary' }, discharged ? 'Readmit' : 'Discharge');
  button.addEventListener('click', async () => {
    if (!discharged && !(await confirmDischarge(patient))) return;
    button.disabled = true;
    try {
      await post(`${state.base}/${discharged ? 'readmit' : 'discharge'}`, {});
      actions.say(discharged ? `${patient.name} is active again.` : `${patient.name} is discharged.`);
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
    title: `Discharge ${patient.name}?`,
    text: 'Reminders stop, open flags close, and new check-ins are not taken. The patient can still read and export the diary. You can readmit them later.',
    choices: [
      { value: 'discharge', label: 'Discharge', primary: true },
      { value: 'cancel', label: 'Cancel' },
    ],
    confirm: 'discharge',
  });
}
