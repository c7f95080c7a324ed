// History-API router. The server answers every app path with index.html, the service worker
// serves it offline. Role homes plug in at `/` (see ui/app.tsx).

import { createStore } from './store';

export const route = createStore({ path: location.pathname, search: location.search });

export function navigate(to: string, replace = false): void {
  const url = new URL(to, location.origin);
  if (url.pathname + url.search === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.set({ path: url.pathname, search: url.search });
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => route.set({ path: location.pathname, search: location.search }));

/** Match '/estate/:id' against a path; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (want.length !== have.length && !(pattern === '/' && path === '/')) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Turn <a href="/..."> clicks into in-app navigation. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element).closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
  const href = anchor.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || anchor.target) return;
  event.preventDefault();
  navigate(href);
}
