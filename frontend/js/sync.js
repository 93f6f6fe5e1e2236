// Sending the outbox: at app start, on the `online` event, and after logging in.
import * as outbox from './outbox.js';
import { session, request, ApiError } from './api.js';

export function sendEntry(payload) {
  return request('POST', '/api/v1/patients/me/entries', payload);
}

/** Errors after which the same check-in can never be accepted. */
export function isPermanent(err) {
  return err instanceof ApiError && [400, 409, 413, 415, 422].includes(err.status);
}

export async function flushOutbox() {
  const user = session.user;
  if (user?.role !== 'patient' || !outbox.isSupported()) return null;
  if (navigator.onLine === false) return null;
  if (!(await outbox.count(user.id))) return null;
  const result = await outbox.flush(user.id, sendEntry, isPermanent);
  if (result.sent.length || result.rejected.length) {
    window.dispatchEvent(new CustomEvent('outbox-flushed', { detail: result }));
  }
  return result;
}
