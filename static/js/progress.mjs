// Keeps a "work in progress" region current without reloading the page.
//
// A page whose work runs in a worker (an Ofsted import) marks the region that
// reports it with data-app-progress="<url of the same page>". While that
// attribute is there, this fetches the page every few seconds and puts the
// region's new content in place; the region is a polite live region, so a
// screen reader hears the change and keeps its place (a page that reloaded
// itself would move it, which WCAG 2.2.1 rules out). When the new copy of the
// region no longer asks to be polled, the work is done: its report replaces
// the progress and polling stops. Without JavaScript, the region's own link
// ("Check its progress again") still works.

const EVERY_MS = 3000;

export function followProgress(region, { every = EVERY_MS } = {}) {
  const url = region.dataset.appProgress;
  if (!url) return;
  const timer = window.setInterval(async () => {
    let text;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return; // try again next time: a moment's error is no reason to stop
      text = await response.text();
    } catch {
      return;
    }
    const fresh = new DOMParser().parseFromString(text, "text/html").getElementById(region.id);
    if (!fresh) return;
    region.innerHTML = fresh.innerHTML;
    if (!fresh.dataset.appProgress) {
      window.clearInterval(timer);
      delete region.dataset.appProgress;
    }
  }, every);
}

for (const region of document.querySelectorAll("[data-app-progress][id]")) {
  followProgress(region);
}
