// Today's check-in as data: found on the server or in the outbox, and saved (sent now, or
// kept in the outbox for later).
import { get, patch, isTransient, ApiError, NetworkError } from '../../api.js';
import { uuid } from '../../dom.js';
import { loadForm, totalOf } from '../../gad7.js';
import { localDate } from '../../dates.js';
import { sendEntry, flushOutbox } from '../../sync.js';
import * as outbox from '../../outbox.js';

/** The texts of an instrument: the form due today, or the other one from the API. */
export async function textsFor(state, instrument) {
  return instrument === state.due.instrument ? state.due : loadForm(instrument);
}

/** A check-in waiting in the outbox, shown as the server would give it back: {entry, queued}. */
function waitingEntry(state, payload) {
  return { entry: { ...payload, local_date: state.today, total: totalOf(payload.answers) }, queued: true };
}

/** Today's latest check-in: from the server, or waiting in the outbox. {entry, queued} or null. */
export async function todaysCheckIn({ user, today }) {
  const queued = (await outbox.list(user.id).catch(() => [])).filter(
    ({ payload }) =>
      outbox.kindOf(payload) === 'create' &&
      localDate(new Date(payload.recorded_at), user.timezone) === today,
  );
  if (queued.length) {
    const { payload } = queued[queued.length - 1];
    return waitingEntry({ today }, payload);
  }
  if (navigator.onLine === false) return null;
  try {
    const { items } = await get(`/api/v1/patients/me/entries?from=${today}&to=${today}`);
    if (!items.length) return null;
    return withWaitingEdit(user, items[items.length - 1]);
  } catch (err) {
    if (err instanceof NetworkError) return null;
    throw err;
  }
}

/** A stored check-in with a change of it still waiting: shown as it will be, and as waiting. */
async function withWaitingEdit(user, entry) {
  const items = await outbox.list(user.id).catch(() => []);
  const edit = items.findLast(
    ({ payload }) => payload.kind === 'edit' && payload.entry_id === entry.id && !payload.refused,
  );
  if (!edit) return { entry, queued: false };
  const changes = edit.payload.changes;
  return { entry: { ...entry, ...changes, total: totalOf(changes.answers || entry.answers) }, queued: true };
}

export async function saveNew(state, texts, read) {
  const payload = {
    id: uuid(),
    recorded_at: new Date().toISOString(),
    instrument: texts.instrument,
    answers: read.answers,
    difficulty: read.difficulty,
    side_effects: read.side_effects,
    side_effect_severity: read.side_effect_severity,
  };
  if (read.note) payload.note = read.note;
  if (texts.safety && read.safety !== null) payload.safety = read.safety;
  try {
    if (navigator.onLine === false) throw new NetworkError();
    return { entry: await sendEntry(payload, state.user.id), queued: false };
  } catch (err) {
    return queue(state, payload, err);
  }
}

export async function saveEdit(state, { entry, queued }, read) {
  const changes = {
    answers: read.answers,
    difficulty: read.difficulty,
    note: read.note || null,
    side_effects: read.side_effects,
    side_effect_severity: read.side_effect_severity,
  };
  if (queued) {
    // Not sent yet: the queued check-in itself changes (same client id). If it was
    // sent since this page showed it, the server has it under that id: change it there.
    const payload = { ...entry, ...changes };
    delete payload.local_date;
    delete payload.total;
    if (await outbox.update(state.user.id, payload)) {
      return waitingEntry(state, payload);
    }
  }
  // A change of this check-in still waiting: this one goes behind it, merged, never before.
  const behind = await outbox.hasWaitingChange(state.user.id, entry.id);
  try {
    if (navigator.onLine === false) throw new NetworkError();
    if (!behind) return { entry: await patch(`/api/v1/entries/${entry.id}`, changes), queued: false };
  } catch (err) {
    // Offline: the change waits in the outbox with its own key, and is sent once.
    if (!isTransient(err) || !outbox.isSupported()) throw err;
  }
  const change = { kind: 'edit', id: uuid(), entry_id: entry.id, recorded_at: entry.recorded_at, changes };
  await outbox.queueChange(state.user.id, change);
  if (behind) flushOutbox().catch(() => {});
  return { entry: { ...entry, ...changes, total: totalOf(changes.answers) }, queued: true };
}

/** Keeps a check-in the server could not take now; rethrows what waiting cannot fix. */
async function queue(state, payload, err) {
  const expired = err instanceof ApiError && err.status === 401;
  if (!(isTransient(err) || expired) || !outbox.isSupported()) throw err;
  await outbox.add(state.user.id, payload);
  if (expired) window.dispatchEvent(new CustomEvent('checkin-kept'));
  return waitingEntry(state, payload);
}
