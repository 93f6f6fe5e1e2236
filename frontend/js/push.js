// Web Push opt-in (CONTRACT.md §7). The permission prompt must come from a tap.
import { get, post, del, ApiError } from './api.js';

export function isIOS() {
  const ua = navigator.userAgent;
  return /iPad|iPhone|iPod/.test(ua) || (ua.includes('Macintosh') && navigator.maxTouchPoints > 1);
}

export function isStandalone() {
  return window.matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
}

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export function permission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

export async function currentPushSubscription() {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration();
  return reg ? reg.pushManager.getSubscription() : null;
}

function keyBytes(base64url) {
  const padded =
    base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function sameBytes(buffer, bytes) {
  if (!buffer) return false;
  const a = new Uint8Array(buffer);
  return a.length === bytes.length && a.every((v, i) => v === bytes[i]);
}

// Whose subscription this browser holds: the patient who turned notifications on here.
const OWNER = 'afterglow:push-owner';

/** Call straight from a click handler: the permission request is its first await. */
export async function enablePush(userId) {
  const answer = await Notification.requestPermission();
  if (answer !== 'granted') return answer;
  await register();
  localStorage.setItem(OWNER, userId);
  return 'granted';
}

/**
 * When this device may notify and holds the patient `userId`'s subscription, hands it
 * to the server again. The server drops a subscription the push service refused (a
 * replaced server key, an expired endpoint) without the browser knowing; this brings
 * reminders back. A subscription another patient left here (they never logged out)
 * is ended instead, never moved to this account: their reminders stop showing on a
 * device someone else uses, and this patient turns notifications on themselves.
 * Resolves 'on'; 'refused' when the server will not take it (its push service is not
 * on the clinic's list: reminders come by email); 'off' without a subscription.
 */
export async function syncPush(userId) {
  if (!pushSupported() || permission() !== 'granted') return 'off';
  const sub = await currentPushSubscription();
  if (!sub) return 'off';
  const owner = localStorage.getItem(OWNER);
  if (owner && owner !== userId) {
    await sub.unsubscribe();
    localStorage.removeItem(OWNER);
    return 'off';
  }
  try {
    await register();
    localStorage.setItem(OWNER, userId); // one made before owners were kept: its user is the one here
    return 'on';
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return 'refused';
    throw err;
  }
}

/** Forgets whose subscription this browser holds (logging out, turning notifications off). */
export function forgetPushOwner() {
  localStorage.removeItem(OWNER);
}

/** This device's subscription, made with the server's current key, stored by the server. */
async function register() {
  const { public_key: publicKey } = await get('/api/v1/push/public-key');
  const reg = await navigator.serviceWorker.ready;
  const serverKey = keyBytes(publicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameBytes(sub.options?.applicationServerKey, serverKey)) {
    // A subscription made with another server key cannot be reused.
    await sub.unsubscribe();
    sub = null;
  }
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey });
  await post('/api/v1/push/subscriptions', sub.toJSON());
}

export async function disablePush() {
  const sub = await currentPushSubscription();
  forgetPushOwner();
  if (!sub) return;
  await del('/api/v1/push/subscriptions', { endpoint: sub.endpoint });
  await sub.unsubscribe();
}
