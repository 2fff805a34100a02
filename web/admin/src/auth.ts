import { useSyncExternalStore } from 'react';

const KEY = 'renkei.adminToken';
const listeners = new Set<() => void>();

/** A signed-in person of the team (the session itself is an HttpOnly cookie the page never sees). */
export interface SignedInAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'admin' | 'agent';
}

let account: SignedInAccount | null = null;
/** Whether the session cookie was asked about yet (the app waits for it before showing the sign-in form). */
let checked = false;

const changed = (): void => {
  for (const l of listeners) l();
};

/** The admin token lives for the browser tab only (sessionStorage), never in a cookie. */
export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
  changed();
}

export function setAccount(next: SignedInAccount | null): void {
  account = next;
  checked = true;
  changed();
}

const subscribe = (l: () => void): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}

export function useAccount(): SignedInAccount | null {
  return useSyncExternalStore(subscribe, () => account);
}

export function useSessionChecked(): boolean {
  return useSyncExternalStore(subscribe, () => checked);
}

/** Asks the server whether the browser's session cookie signs someone in. */
export async function checkSession(): Promise<void> {
  try {
    const res = await fetch('/api/v1/auth/me');
    setAccount(res.ok ? ((await res.json()) as { account: SignedInAccount }).account : null);
  } catch {
    setAccount(null);
  }
}

export async function signOut(): Promise<void> {
  if (account) await fetch('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
  setAccount(null);
  setToken(null);
}
