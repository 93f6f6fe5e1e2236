// Sending the outbox: at app start, on the `online` event, and after logging in.
import * as outbox from './outbox.js';
import { session, post, patch, del, ApiError } from './api.js';
import { t } from './i18n.js';

/**
 * Sends one check-in of `owner` and resolves to the stored entry. The owner's id is in the
 * path, never `me`: a tab left open as one patient cannot store their check-in in the
 * diary of whoever holds the session cookie now (the server answers 404, and it waits).
 */
export async function sendEntry(payload, owner) {
  let entry;
  try {
    entry = await post(`/api/v1/patients/${owner}/entries`, payload);
  } catch (err) {
    // 409: the server has this id with other content. Its first answer was lost on the
    // way back, and the patient then changed the waiting check-in: the change is a PATCH.
    if (!(err instanceof ApiError && err.status === 409)) throw err;
    const { id, instrument, ...changes } = payload;
    try {
      entry = await patch(`/api/v1/entries/${id}`, changes);
    } catch (patchErr) {
      throw patchErr instanceof ApiError && patchErr.status === 404 ? err : patchErr;
    }
  }
  // Only the stored entry counts as sent: a proxy's sign-in or maintenance page
  // answering 200 is not, and the check-in waits.
  if (entry?.id !== payload.id) {
    throw new ApiError(502, { error: { message: t('The answer was not the stored check-in.') } });
  }
  return entry;
}

/**
 * Sends one queued change of a stored check-in. An edit goes with its key as
 * `Idempotency-Key`: sent again after a lost answer, the server applies it once. A deletion
 * answered 404 is done (a lost answer's retry, or deleted elsewhere).
 */
async function sendChange(payload) {
  const path = `/api/v1/entries/${payload.entry_id}`;
  if (payload.kind === 'delete') {
    try {
      await del(path);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
    return { id: payload.entry_id, deleted: true };
  }
  const entry = await patch(path, payload.changes, { 'Idempotency-Key': payload.id });
  if (entry?.id !== payload.entry_id) {
    throw new ApiError(502, { error: { message: t('The answer was not the stored check-in.') } });
  }
  return entry;
}

/** Sends one outbox item of `owner`: a new check-in, or a change of a stored one. */
export function sendItem(payload, owner) {
  return outbox.kindOf(payload) === 'create' ? sendEntry(payload, owner) : sendChange(payload);
}

/** Errors after which the same item can never be accepted (for a change: its check-in is gone). */
export function isPermanent(err, payload = {}) {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 404 && outbox.kindOf(payload) === 'edit') return true;
  return [400, 409, 413, 415, 422].includes(err.status);
}

export async function flushOutbox() {
  const user = session.user;
  if (user?.role !== 'patient' || !outbox.isSupported()) return null;
  if (navigator.onLine === false) return null;
  if (!(await outbox.count(user.id))) return null;
  const result = await outbox.flush(user.id, sendItem, isPermanent);
  if (result.sent.length || result.rejected.length) {
    window.dispatchEvent(new CustomEvent('outbox-flushed', { detail: result }));
  }
  return result;
}
