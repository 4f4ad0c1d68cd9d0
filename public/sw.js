// Offline reading of a school's leaflets. Registered by the school's leaflet pages
// (src/components/OfflineReading.astro) with the scope /[lang]/s/[school]/leaflets, so it never
// sees a signed-in page: those live elsewhere (/[lang]/app, /[lang]/s/[school]/admin).
//
// - A leaflet page or the list: from the network when there is one (so a newly published version
//   shows at once), stored for later; from the store when there is no network.
// - When a page asks ("save"), the school's list in that language is fetched again, with every
//   leaflet on it (also side by side with Dutch), their pictures and the page's own scripts, and
//   the page is told how many leaflets are kept ("saved").
// - Nothing marked no-store or private is ever kept (a page read while signed in is marked so).
const STORE = 'portal-leaflets-v1';
const PAGE = /^\/([a-z]{2})\/s\/([a-z0-9-]{1,40})\/leaflets(\/[a-z0-9-]{1,60})?\/?$/;
const ASSET = /^\/(_astro\/|fonts\/|favicon\.svg$|icon-\d+\.png$|storage\/v1\/object\/public\/school-assets\/)/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== STORE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

const keepable = (response) =>
  response.ok && response.type === 'basic' && !/\b(no-store|private)\b/i.test(response.headers.get('cache-control') ?? '');

// The pages (by their client id) that were shown from the store because there was no network:
// they say so to the reader ("you are reading the kept tips").
const shownKept = new Set();

async function fromNetworkFirst(request, clientId) {
  const store = await caches.open(STORE);
  try {
    const response = await fetch(request);
    if (keepable(response)) await store.put(request.url, response.clone());
    return response;
  } catch (error) {
    const kept = await store.match(request.url);
    if (!kept) throw error;
    if (clientId) shownKept.add(clientId);
    return kept;
  }
}

async function fromStoreFirst(request) {
  const store = await caches.open(STORE);
  const kept = await store.match(request.url);
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) await store.put(request.url, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PAGE.test(url.pathname) && (url.search === '' || url.search === '?view=both')) {
    event.respondWith(fromNetworkFirst(request, event.resultingClientId || event.clientId));
  } else if (ASSET.test(url.pathname)) {
    event.respondWith(fromStoreFirst(request));
  }
});

/** Keeps one address (and what its page needs); true when it is kept. */
async function keep(store, path) {
  try {
    const response = await fetch(path);
    if (!keepable(response)) return false;
    const html = response.headers.get('content-type')?.startsWith('text/html') ? await response.clone().text() : '';
    await store.put(new URL(path, self.location.origin).href, response);
    for (const [, src] of html.matchAll(/\bsrc="(\/[^"]+)"/g)) {
      const asset = src.replaceAll('&amp;', '&');
      if (ASSET.test(new URL(asset, self.location.origin).pathname) && !(await store.match(new URL(asset, self.location.origin).href))) {
        await keep(store, asset);
      }
    }
    return true;
  } catch {
    return false;
  }
}

const saving = new Map();
async function saveList(list) {
  const match = PAGE.exec(list);
  if (!match || match[3]) return 0;
  const [, lang, school] = match;
  const store = await caches.open(STORE);
  const response = await fetch(list).catch(() => null);
  if (!response || !keepable(response)) return 0;
  const html = await response.clone().text();
  await store.put(new URL(list, self.location.origin).href, response);
  const leaflets = [
    ...new Set([...html.matchAll(new RegExp(`href="(/${lang}/s/${school}/leaflets/[a-z0-9-]{1,60})"`, 'g'))].map((m) => m[1])),
  ];
  let kept = 0;
  for (const leaflet of leaflets) {
    if (await keep(store, leaflet)) kept++;
    if (lang !== 'nl') await keep(store, `${leaflet}?view=both`);
  }
  // A leaflet no longer on the list (unpublished) is not kept either.
  for (const request of await store.keys()) {
    const path = new URL(request.url).pathname;
    const old = PAGE.exec(path);
    if (old && old[1] === lang && old[2] === school && old[3] && !leaflets.includes(path)) await store.delete(request);
  }
  return kept;
}

self.addEventListener('message', (event) => {
  const data = event.data ?? {};
  if (data.type !== 'save' || typeof data.list !== 'string') return;
  let run = saving.get(data.list);
  if (!run) {
    run = saveList(data.list).finally(() => saving.delete(data.list));
    saving.set(data.list, run);
  }
  const offline = shownKept.delete(event.source?.id);
  event.waitUntil(run.then((count) => event.source?.postMessage({ type: 'saved', list: data.list, count, offline })));
});
