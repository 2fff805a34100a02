// Types only from schema.ts: the widget bundles this file, and the schema brings zod along.
import type { Appearance, LauncherPosition, Theme } from './schema.ts';

/** Defaults of what a bot file leaves out. */
export const APPEARANCE_DEFAULTS = {
  theme: 'light',
  accent: '#0b57d0',
  position: 'right',
  offset: { x: 20, y: 20 },
  greetingDelay: 5,
  proactiveDelay: 0,
} as const;

/**
 * What the widget needs to draw itself, every default filled in: the published version's
 * appearance as the visitor API serves it (`GET /api/v1/bots/{id}/widget`).
 */
export interface WidgetAppearance {
  readonly theme: Theme;
  readonly accent: string;
  /** Null: the widget's own word for "Chat" in the conversation's language. */
  readonly title: string | null;
  readonly subtitle: string | null;
  /** Path of the avatar image on the Renkei server, or null for none. */
  readonly avatar: string | null;
  readonly greeting: { readonly text: string; readonly delay: number } | null;
  readonly position: LauncherPosition;
  readonly offset: { readonly x: number; readonly y: number };
  /** Open by itself after `delay` seconds, on pages matching one of `paths` (every page when null). */
  readonly proactive: { readonly delay: number; readonly paths: readonly string[] | null } | null;
}

export const imagePath = (id: string): string => `/api/v1/images/${id}`;

export function widgetAppearance(appearance: Appearance | undefined): WidgetAppearance {
  const a = appearance ?? {};
  return {
    theme: a.theme ?? APPEARANCE_DEFAULTS.theme,
    accent: (a.accent ?? APPEARANCE_DEFAULTS.accent).toLowerCase(),
    title: a.title ?? null,
    subtitle: a.subtitle ?? null,
    avatar: a.avatar === undefined ? null : imagePath(a.avatar),
    greeting: a.greeting ? { text: a.greeting.text, delay: a.greeting.delay ?? APPEARANCE_DEFAULTS.greetingDelay } : null,
    position: a.launcher?.position ?? APPEARANCE_DEFAULTS.position,
    offset: a.launcher?.offset ?? APPEARANCE_DEFAULTS.offset,
    proactive: a.proactive ? { delay: a.proactive.delay ?? APPEARANCE_DEFAULTS.proactiveDelay, paths: a.proactive.paths ?? null } : null,
  };
}
