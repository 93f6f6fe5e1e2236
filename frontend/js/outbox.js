// The offline outbox: check-ins saved without a connection wait here until the
// server has them, and so do changes and deletions of stored check-ins made offline
// (each with its own idempotency key, so a replay is applied once). Each one is encrypted with AES-GCM under a key that WebCrypto
// generated as non-extractable: no script, this one included, can export its
// bytes. That is all it promises. The browser keeps the key in its own profile
// files on the device, so someone who can read those files (the device's owner,
// malware, a forensic copy of an unlocked phone) can recover the key and the
// check-ins; it guards against other scripts, not against the device's storage.
import { openDB, deleteDB } from '../vendor/idb/index.js';

const DB_NAME = 'afterglow-outbox';
const KEY_ID = 'outbox-key';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let dbPromise = null;
let keyPromise = null;
let wiped = false; // after logout: do not recreate the database just to find it empty

function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, 2, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) {
          database.createObjectStore('keys');
          database.createObjectStore('items', { keyPath: 'id' });
        }
        // A half-finished check-in per user, encrypted like the queued ones.
        if (oldVersion < 2) database.createObjectStore('drafts');
      },
      blocking() {
        // Another tab wants to delete or upgrade the database: let it.
        dbPromise?.then((d) => d.close());
        dbPromise = null;
        keyPromise = null;
      },
      terminated() {
        dbPromise = null;
        keyPromise = null;
      },
    });
  }
  return dbPromise;
}

async function getKey({ create }) {
  const database = await db();
  const existing = await database.get('keys', KEY_ID);
  if (existing || !create) return existing || null;
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  // Keep whichever key got there first, should two tabs race.
  const tx = database.transaction('keys', 'readwrite');
  const winner = (await tx.store.get(KEY_ID)) || fresh;
  if (winner === fresh) await tx.store.put(fresh, KEY_ID);
  await tx.done;
  return winner;
}

function key({ create = false } = {}) {
  if (!create) return getKey({ create: false });
  if (!keyPromise) {
    keyPromise = getKey({ create: true });
    keyPromise.catch(() => {
      keyPromise = null;
    });
  }
  return keyPromise;
}

function changed() {
  window.dispatchEvent(new CustomEvent('outbox-change'));
}

export function isSupported() {
  return 'indexedDB' in window && !!(window.crypto && crypto.subtle);
}

/** Queue a check-in body (with its client id) for the user `owner`. */
async function seal(label, value) {
  const k = await key({ create: true });
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(label) },
    k,
    encoder.encode(JSON.stringify(value)),
  );
  return { iv, data };
}

export async function add(owner, payload) {
  if (!payload.id) throw new Error('an outbox item needs its client id');
  wiped = false;
  const sealed = await seal(`${owner}/${payload.id}`, payload);
  const database = await db();
  await database.put('items', { id: payload.id, owner, queued_at: new Date().toISOString(), ...sealed });
  changed();
}

/** What a queued item does: 'create' (a new check-in), or 'edit' / 'delete' of a stored one. */
export const kindOf = (payload) => payload.kind || 'create';

async function reseal(owner, item, payload) {
  const sealed = await seal(`${owner}/${item.id}`, payload);
  const database = await db();
  const stored = await database.get('items', item.id);
  if (stored) await database.put('items', { ...stored, ...sealed });
}

/**
 * Queues a change of a stored check-in: {kind: 'edit' | 'delete', id (a fresh key),
 * entry_id, recorded_at, changes?}. An edit of a check-in still waiting here merges into
 * it. An earlier edit of the same check-in merges into this one, which goes out under the
 * new key (the earlier one may have reached the server with its answer lost: sending the
 * union again is harmless, dropping it would not be); a deletion replaces it.
 */
export async function queueChange(owner, change) {
  wiped = false;
  return withLock(async () => {
    const waiting = await list(owner);
    const create = waiting.find((it) => kindOf(it.payload) === 'create' && it.id === change.entry_id);
    if (create && change.kind === 'edit') {
      await reseal(owner, create, { ...create.payload, ...change.changes });
      changed();
      return 'merged';
    }
    const database = await db();
    let changes = change.changes;
    for (const it of waiting) {
      const earlier = kindOf(it.payload) === 'edit' && it.payload.entry_id === change.entry_id;
      if (!earlier || it.payload.refused) continue;
      if (change.kind === 'edit') changes = { ...it.payload.changes, ...changes };
      await database.delete('items', it.id);
    }
    await add(owner, changes ? { ...change, changes } : change);
    return 'queued';
  });
}

/** True when a change of stored check-in `entryId` waits here (not one the server refused). */
export async function hasWaitingChange(owner, entryId) {
  const items = await list(owner).catch(() => []);
  return items.some(({ payload }) => payload.entry_id === entryId && !payload.refused);
}

/** Keeps an item the server refused for good, to be shown until the patient dismisses it. */
async function markRefused(owner, item, err) {
  const refused = { status: err?.status ?? null, message: err?.message || '' };
  await reseal(owner, item, { ...item.payload, refused });
  changed();
}

// ---- the draft: a check-in being filled in, kept across leaving the screen and reloads

/** Keep `draft` (any JSON value) as the user's half-finished check-in. */
export async function saveDraft(owner, draft) {
  if (!isSupported()) return;
  wiped = false;
  const sealed = await seal(`draft/${owner}`, draft);
  const database = await db();
  await database.put('drafts', { owner, ...sealed }, owner);
}

/** The user's draft, or null. */
export async function loadDraft(owner) {
  if (!isSupported() || wiped) return null;
  const database = await db();
  const item = await database.get('drafts', owner);
  if (!item) return null;
  try {
    const k = await key();
    if (!k) throw new Error('no key');
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: item.iv, additionalData: encoder.encode(`draft/${owner}`) },
      k,
      item.data,
    );
    return JSON.parse(decoder.decode(plain));
  } catch {
    await database.delete('drafts', owner);
    return null;
  }
}

export async function clearDraft(owner) {
  if (!isSupported() || wiped) return;
  const database = await db();
  await database.delete('drafts', owner);
}

async function decrypt(k, item) {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: item.iv, additionalData: encoder.encode(`${item.owner}/${item.id}`) },
    k,
    item.data,
  );
  return JSON.parse(decoder.decode(plain));
}

/** The user's queued check-ins, decrypted, oldest first: [{id, queued_at, payload}]. */
export async function list(owner) {
  if (!isSupported() || wiped) return [];
  const database = await db();
  const items = (await database.getAll('items')).filter((it) => it.owner === owner);
  if (!items.length) return [];
  const k = await key();
  const out = [];
  for (const item of items) {
    try {
      if (!k) throw new Error('no key');
      out.push({ id: item.id, queued_at: item.queued_at, payload: await decrypt(k, item) });
    } catch {
      // Without its key an item can never be read again: drop it rather than keep ciphertext forever.
      await database.delete('items', item.id);
    }
  }
  out.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
  return out;
}

export async function count(owner) {
  if (!isSupported() || wiped) return 0;
  const database = await db();
  return (await database.getAll('items')).filter((it) => it.owner === owner).length;
}

export async function remove(id) {
  const database = await db();
  await database.delete('items', id);
  changed();
}

const FLUSH_LOCK = 'afterglow-outbox-flush';
let localTail = Promise.resolve();
/** Runs `fn` holding the outbox's lock: across tabs with Web Locks, else within this tab. */
function withLock(fn) {
  if (navigator.locks) return navigator.locks.request(FLUSH_LOCK, fn);
  const job = localTail.then(fn, fn);
  localTail = job.catch(() => {});
  return job;
}

/**
 * Send queued items one by one, oldest first. `send(payload)` resolves with the
 * server's entry, or throws: `isPermanent(err)` decides whether an error means
 * "never going to be accepted" (dropped and reported) or "try later" (stop here).
 */
let flushing = null;
export function flush(owner, send, isPermanent) {
  if (!flushing) {
    const job = withLock(() => flushOnce(owner, send, isPermanent));
    flushing = job.finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function flushOnce(owner, send, isPermanent) {
  const result = { sent: [], rejected: [], remaining: 0, error: null };
  const items = await list(owner);
  for (const [i, item] of items.entries()) {
    if (item.payload.refused) continue; // shown until dismissed, never sent again
    try {
      result.sent.push({ payload: item.payload, answer: await send(item.payload, owner) });
      await remove(item.id);
    } catch (err) {
      if (isPermanent(err, item.payload)) {
        result.rejected.push({ payload: item.payload, error: err });
        // A refused change stays in sight; a refused new check-in is reported, as before.
        if (kindOf(item.payload) === 'create') await remove(item.id);
        else await markRefused(owner, item, err);
      } else {
        result.error = err;
        result.remaining = items.length - i;
        break;
      }
    }
  }
  return result;
}

/**
 * Changes a check-in that is still waiting (same client id, same place in the
 * queue). Resolves false when it is no longer here: it was sent meanwhile, and
 * the change belongs on the server. It waits for a send in flight (in any tab),
 * so it never rewrites an item that a flush is about to remove.
 */
export async function update(owner, payload) {
  const run = async () => {
    const database = await db();
    const item = await database.get('items', payload.id);
    if (!item || item.owner !== owner) return false;
    const sealed = await seal(`${owner}/${payload.id}`, payload);
    await database.put('items', { ...item, ...sealed });
    changed();
    return true;
  };
  return withLock(run);
}

/**
 * Forget what `owner` kept here, at logout: their queued check-ins and their draft. What
 * is kept for someone else (a check-in saved as their session ended, sent once they log
 * in again) stays; when nothing of anyone's is left, the key and the database go too.
 */
export async function wipe(owner) {
  if (!isSupported()) return;
  const database = await db();
  const items = await database.getAll('items');
  const drafts = await database.getAllKeys('drafts');
  if (items.some((it) => it.owner !== owner) || drafts.some((who) => who !== owner)) {
    for (const it of items) if (it.owner === owner) await database.delete('items', it.id);
    await database.delete('drafts', owner);
    changed();
    return;
  }
  wiped = true;
  try {
    const tx = database.transaction(['items', 'keys', 'drafts'], 'readwrite');
    await Promise.all([
      tx.objectStore('items').clear(),
      tx.objectStore('keys').clear(),
      tx.objectStore('drafts').clear(),
      tx.done,
    ]);
    database.close();
  } finally {
    dbPromise = null;
    keyPromise = null;
    await deleteDB(DB_NAME).catch(() => {});
    changed();
  }
}
