// Notifications on a phone or computer (Web Push). Registered by the account page with the scope
// /push/, where no page of the portal lives: this worker never controls a page, has no fetch
// handler and keeps nothing. It only shows a message the portal pushed (already encrypted for
// this browser and decrypted by it) and opens the portal's page for it when tapped.
//
// A message says only what the portal chose to say (no child's name unless the parent allowed it),
// in the reader's language and direction.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Only the portal's own pages are opened. */
function ownPage(url) {
  try {
    const target = new URL(url, self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin;
  } catch {
    return self.location.origin;
  }
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const title = typeof message.title === 'string' && message.title ? message.title.slice(0, 120) : self.location.hostname;
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === 'string' ? message.body.slice(0, 300) : '',
      tag: typeof message.tag === 'string' ? message.tag.slice(0, 100) : undefined,
      lang: typeof message.lang === 'string' ? message.lang : undefined,
      dir: message.dir === 'rtl' ? 'rtl' : message.dir === 'ltr' ? 'ltr' : 'auto',
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      data: { url: ownPage(message.url) },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = ownPage(event.notification.data?.url);
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
        if (client.url === url && 'focus' in client) return client.focus();
      }
      return self.clients.openWindow(url);
    })(),
  );
});
