import { isWidgetLocale, type WidgetLocale } from './i18n.ts';

/** What a reload needs to pick the conversation up again. */
export interface SavedSession {
  readonly conversationId: string;
  readonly token: string;
  /** The newest event shown: the stream resumes after it. */
  readonly lastEventId: number;
  readonly locale: WidgetLocale;
  /** Whether the chat window was open, so a reload or the next page keeps it open. */
  readonly open: boolean;
  /** The visitor fields last sent for this conversation (`Renkei.identify`), hashed (see identity.ts): the same again is not resent. */
  readonly identified?: string;
}

const keyOf = (origin: string, bot: string): string => `renkei-widget:${origin}:${bot}`;

/**
 * The conversation of one bot on this site, kept in localStorage. Storage may be unavailable
 * (privacy modes, sandboxed frames, a full quota): the widget then still works, only without
 * restoring after a reload.
 */
export class SessionStore {
  private readonly key: string;

  constructor(origin: string, bot: string) {
    this.key = keyOf(origin, bot);
  }

  load(): SavedSession | null {
    try {
      const raw = localStorage.getItem(this.key);
      return raw === null ? null : parseSession(JSON.parse(raw));
    } catch {
      return null;
    }
  }

  save(session: SavedSession): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(session));
    } catch {
      // Storage refused (quota, privacy mode): the conversation goes on, it just won't survive a reload.
    }
  }

  clear(): void {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // Nothing stored, nothing to clear.
    }
  }

  /** A flag for this browser tab's session (the greeting dismissed, the proactive opening done). */
  flag(name: string, set?: true): boolean {
    try {
      if (set) sessionStorage.setItem(`${this.key}:${name}`, '1');
      return sessionStorage.getItem(`${this.key}:${name}`) === '1';
    } catch {
      return set === true;
    }
  }
}

/** Another script (or an older widget) may have written anything under our key. */
function parseSession(value: unknown): SavedSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v['conversationId'] !== 'string' || typeof v['token'] !== 'string') return null;
  const lastEventId = typeof v['lastEventId'] === 'number' && Number.isInteger(v['lastEventId']) ? v['lastEventId'] : 0;
  return {
    conversationId: v['conversationId'],
    token: v['token'],
    lastEventId,
    locale: isWidgetLocale(v['locale']) ? v['locale'] : 'en',
    open: v['open'] === true,
    ...(typeof v['identified'] === 'string' ? { identified: v['identified'] } : {}),
  };
}
