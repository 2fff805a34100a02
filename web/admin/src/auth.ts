import { useSyncExternalStore } from 'react';

const KEY = 'renkei.adminToken';
const listeners = new Set<() => void>();

/** The admin token lives for the browser tab only (sessionStorage), never in a cookie. */
export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
  for (const l of listeners) l();
}

export function useToken(): string | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, getToken);
}
