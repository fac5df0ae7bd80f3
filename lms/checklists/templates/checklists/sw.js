/* Key steps, offline. Stores the checklist pages and their assets when it installs, answers from the network when
   there is one (so new content shows at once) and from the store when there is not; a page it cannot get (a link in
   a step's See: or Why: line, which goes through the checklist's own address) is answered with that checklist's
   offline page.
   It never stores anything outside the checklists and the static assets: nothing personal is ever kept on the
   phone. */
"use strict";

const VERSION = {{ version|tojson }};
const CACHE_PREFIX = "key-steps-";
const CACHE = CACHE_PREFIX + VERSION;
const PRECACHE = {{ urls|tojson }};
const SCOPE = {{ scope|tojson }};
const STATIC = "/static/";
// A phone that shows one bar of signal but gets nothing through should not keep an officer waiting.
const NETWORK_WAIT_MS = 4000;
const MATCH = {ignoreVary: true, ignoreSearch: true};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, {cache: "reload"}))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith(STATIC)) {
    event.respondWith(cacheFirst(event));
  } else if (url.pathname.startsWith(SCOPE) && url.pathname !== self.location.pathname) {
    event.respondWith(networkFirst(event));
  }
});

function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

function keep(event, request, response) {
  if (keepable(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
  }
  return response;
}

function fromCache(request) {
  return caches.open(CACHE).then((cache) => cache.match(request, MATCH));
}

function cacheFirst(event) {
  return fromCache(event.request).then((cached) =>
    cached || fetch(event.request).then((response) => keep(event, event.request, response)));
}

function networkFirst(event) {
  const request = event.request;
  const network = fetch(request).then((response) => keep(event, request, response));
  event.waitUntil(network.catch(() => undefined));
  const tooSlow = new Promise((resolve, reject) => setTimeout(reject, NETWORK_WAIT_MS));
  // A server error is no better than no signal: show the stored copy if there is one.
  return Promise.race([network, tooSlow])
    .then((response) => response.status >= 500 ? fromCache(request).then((cached) => cached || response) : response)
    .catch(() => fromCache(request).then((cached) => cached || offlinePage(request) || network));
}

// "/checklist/<slug>/..." gets "/checklist/<slug>/offline"; only pages, not what a page asks for.
function offlinePage(request) {
  if (request.mode !== "navigate") {
    return null;
  }
  const slug = new URL(request.url).pathname.slice(SCOPE.length).split("/")[0];
  return slug ? fromCache(SCOPE + slug + "/offline").then((page) => page || Promise.reject(new Error("offline"))) : null;
}
