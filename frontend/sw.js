// Afterglow's service worker: the app shell opens offline; API answers are never cached.
// CACHE_VERSION is a hash of every served file: after any change to the front end run
//   python3 frontend/tools/shell_check.py --write
// (the check without --write fails when it is stale or SHELL misses a module).
const CACHE_VERSION = 'e4b05a6034bf';
const CACHE = `afterglow-${CACHE_VERSION}`;

const SHELL = [
  './',
  'manifest.webmanifest',
  'css/app.css',
  'js/app.js',
  'js/api.js',
  'js/dom.js',
  'js/i18n.js',
  'js/dates.js',
  'js/gad7.js',
  'js/routes.js',
  'js/outbox.js',
  'js/sync.js',
  'js/push.js',
  'js/pending.js',
  'js/entryform.js',
  'js/sessionform.js',
  'js/chartfigure.js',
  'js/zonepicker.js',
  'js/reminderfields.js',
  'js/pushpanel.js',
  'js/views/auth.js',
  'js/views/checkin/index.js',
  'js/views/checkin/entries.js',
  'js/views/checkin/done.js',
  'js/views/checkin/form.js',
  'js/views/history.js',
  'js/views/sessions.js',
  'js/views/settings.js',
  'js/views/help.js',
  'js/views/patientstatus.js',
  'js/views/welcome.js',
  'vendor/idb/index.js',
  'icons/favicon-48.png',
  'icons/icon-192.png',
];

// Loaded on demand (chart and QR code) and cached the first time they are used.
const LAZY_PREFIXES = ['v/', 'js/', 'css/', 'vendor/', 'icons/'];

// The server serves every asset at v/<CACHE_VERSION>/<path> (immutable, the same names the
// page loads; the server writes the version it serves into this file); the shell and the
// manifest keep their own names, revalidated.
const REVALIDATED = ['./', 'manifest.webmanifest'];
const scopeUrl = new URL('./', self.location);
const shellUrls = SHELL.map((path) => new URL(REVALIDATED.includes(path) ? path : `v/${CACHE_VERSION}/${path}`, scopeUrl).href);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Versioned files come from the HTTP cache the page just filled (immutable); the shell
    // and manifest are revalidated (ETag), so nothing is downloaded a second time.
    await cache.addAll(shellUrls.map((url) => new Request(url, { cache: url.includes('/v/') ? 'default' : 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('afterglow-') && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function isApi(url) {
  const path = url.pathname.slice(scopeUrl.pathname.length - 1);
  return path.startsWith('/api/') || path === '/healthz';
}

function isStatic(url) {
  const path = url.pathname.slice(scopeUrl.pathname.length);
  return url.href === scopeUrl.href || SHELL.includes(path) || LAZY_PREFIXES.some((p) => path.startsWith(p));
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isApi(url)) return; // network only: health data never goes into a cache

  if (request.mode === 'navigate') {
    event.respondWith((async () => {
      try {
        return await fetch(request);
      } catch {
        const cached = await caches.match(scopeUrl.href, { cacheName: CACHE });
        return cached || Response.error();
      }
    })());
    return;
  }

  if (!isStatic(url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') cache.put(request, response.clone());
    return response;
  })());
});

function sameOrigin(href) {
  if (!href) return null;
  try {
    const url = new URL(href, scopeUrl);
    return url.origin === self.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'Afterglow';
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || 'Time for your daily check-in',
    lang: data.lang || '',
    icon: new URL('icons/icon-192.png', scopeUrl).href,
    badge: new URL('icons/favicon-48.png', scopeUrl).href,
    tag: data.tag || 'afterglow-reminder',
    data: { url: sameOrigin(data.url) || new URL('#/checkin', scopeUrl).href },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = event.notification.data?.url || scopeUrl.href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === self.location.origin) {
        await client.focus();
        if ('navigate' in client) return client.navigate(target);
        return undefined;
      }
    }
    return self.clients.openWindow(target);
  })());
});
