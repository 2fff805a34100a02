import { readVisitor } from '../../../src/answers/visitor.ts';
import { RECORD_EVENTS } from '../../../src/vocabulary/record-events.ts';
import type { VisitorFields } from './api.ts';

/** What `Renkei.on` can listen to: the chat opening and closing, each message, the end, and the records the conversation created. */
export const PAGE_EVENTS: readonly string[] = ['open', 'close', 'message', 'end', ...RECORD_EVENTS];

type Handler = (data: unknown) => void;

/** One chat on the page, as the page API drives it. */
export interface Controlled {
  open(): void;
  close(): void;
  /** Fields already read (the page API checked them); rejects when the server refuses them. */
  identify(visitor: VisitorFields): Promise<void>;
}

export interface PageApi {
  open(): void;
  close(): void;
  identify(visitor: unknown): Promise<void>;
  /** Returns a function that removes the handler again. */
  on(event: string, handler: Handler): () => void;
  off(event: string, handler: Handler): void;
}

/** Where the widget keeps its side of the API: the chats, the handlers, what came before a chat was there. */
export interface PageHub {
  readonly api: PageApi;
  emit(event: string, data?: unknown): void;
  attach(chat: Controlled): void;
}

const MARK = '__renkei';
const FIELDS = ['name', 'email', 'phone', 'company'];

/** A mistake of the page's code, named by the field at fault. */
function refused(message: string, field?: string): Error {
  return Object.assign(new TypeError(`Renkei.identify: ${message}`), field === undefined ? {} : { field });
}

/** The page's object fields, checked with the same readers as the answers to an `ask`. */
function readFields(visitor: unknown): VisitorFields | Error {
  if (typeof visitor !== 'object' || visitor === null) return refused('give it an object: { name, email, phone, company }');
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(visitor)) {
    if (!FIELDS.includes(field)) return refused(`unknown field "${field}" (it takes name, email, phone and company)`, field);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return refused(`${field} must be text`, field);
    fields[field] = value;
  }
  const read = readVisitor(fields, 'en');
  return read.ok ? read.values : refused(`${read.field} is not valid (${read.code})`, read.field);
}

/**
 * Makes `window.Renkei`, or joins the one another widget on the page made. Calls a page queued
 * before the script loaded (`window.Renkei = window.Renkei || { q: [] }`, each call pushed as
 * `[name, arguments]`) run now, in order; calls made before a chat is on the page wait for it.
 */
export function installPageApi(global: { Renkei?: unknown }): PageHub {
  const existing = global.Renkei as { [MARK]?: PageHub; q?: unknown } | undefined;
  if (existing?.[MARK]) return existing[MARK];

  const chats: Controlled[] = [];
  const handlers = new Map<string, Set<Handler>>();
  let identity: VisitorFields | null = null;
  let wantsOpen: boolean | null = null;

  const api: PageApi = {
    open() {
      wantsOpen = true;
      for (const chat of chats) chat.open();
    },
    close() {
      wantsOpen = false;
      for (const chat of chats) chat.close();
    },
    identify(visitor) {
      const fields = readFields(visitor);
      if (fields instanceof Error) return Promise.reject(fields);
      identity = fields;
      return Promise.all(chats.map((chat) => chat.identify(fields))).then(() => undefined);
    },
    on(event, handler) {
      if (!PAGE_EVENTS.includes(event)) throw new TypeError(`Renkei.on: no event "${event}" (events: ${PAGE_EVENTS.join(', ')})`);
      if (typeof handler !== 'function') throw new TypeError('Renkei.on: the second argument must be a function');
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler);
      return () => api.off(event, handler);
    },
    off(event, handler) {
      handlers.get(event)?.delete(handler);
    },
  };

  const hub: PageHub = {
    api,
    emit(event, data) {
      for (const handler of handlers.get(event) ?? []) {
        try {
          handler(data);
        } catch (error) {
          console.error(`Renkei: a handler of "${event}" threw`, error);
        }
      }
    },
    attach(chat) {
      chats.push(chat);
      if (identity) chat.identify(identity).catch((error: unknown) => console.error('Renkei.identify:', error));
      if (wantsOpen === true) chat.open();
    },
  };
  Object.defineProperty(api, MARK, { value: hub });
  global.Renkei = api;

  const queue = existing?.q;
  if (Array.isArray(queue)) {
    for (const entry of queue as unknown[]) {
      const [name, args] = Array.isArray(entry) ? (entry as [unknown, ArrayLike<unknown> | undefined]) : [];
      const method = typeof name === 'string' && Object.hasOwn(api, name) ? (api[name as keyof PageApi] as (...a: unknown[]) => unknown) : null;
      if (!method) {
        console.error('Renkei: a queued call names no method:', entry);
        continue;
      }
      try {
        const result = method(...Array.from(args ?? []));
        if (result instanceof Promise) result.catch((error: unknown) => console.error(`Renkei.${String(name)}:`, error));
      } catch (error) {
        console.error(`Renkei.${String(name)}:`, error);
      }
    }
  }
  return hub;
}
