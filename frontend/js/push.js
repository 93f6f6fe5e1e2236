// Web Push opt-in (docs/api.md, "Reminders and push"). The permission prompt must come from a tap.
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

// Storage can be off (a browser setting) while the app still works: then no owner is kept.
function pushOwner() {
  try {
    return localStorage.getItem(OWNER);
  } catch {
    return null;
  }
}

function setPushOwner(userId) {
  try {
    localStorage.setItem(OWNER, userId);
  } catch {
    /* no storage */
  }
}

function forgetPushOwner() {
  try {
    localStorage.removeItem(OWNER);
  } catch {
    /* no storage */
  }
}

/** Call straight from a click handler: the permission request is its first await. */
export async function enablePush(userId) {
  const answer = await Notification.requestPermission();
  if (answer !== 'granted') return answer;
  await register();
  setPushOwner(userId);
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
  const owner = pushOwner();
  if (owner && owner !== userId) {
    await sub.unsubscribe();
    forgetPushOwner();
    return 'off';
  }
  try {
    await register();
    // One made before owners were kept: its user is the one here. Unless a logout
    // ended the subscription meanwhile.
    if (await currentPushSubscription()) setPushOwner(userId);
    return 'on';
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return 'refused';
    throw err;
  }
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
  try {
    await post('/api/v1/push/subscriptions', sub.toJSON());
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err;
    // Another account holds this browser's subscription (someone left it here): the server
    // never moves it, so this patient gets a new one, with an endpoint of its own.
    await sub.unsubscribe();
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey });
    await post('/api/v1/push/subscriptions', sub.toJSON());
  }
}

/**
 * Ends this browser's subscription, on the server and here. At logout (`atLogout`) it
 * ends here even when the server cannot be told: its pushes then fail and it is dropped.
 */
export async function disablePush({ atLogout = false } = {}) {
  const sub = await currentPushSubscription();
  if (sub) {
    const told = del('/api/v1/push/subscriptions', { endpoint: sub.endpoint });
    await (atLogout ? told.catch(() => {}) : told);
    await sub.unsubscribe();
  }
  forgetPushOwner(); // only once it is gone: the owner guards a subscription left behind
}
