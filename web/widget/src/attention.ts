import { pathMatches } from '../../../src/appearance/paths.ts';
import type { WidgetAppearance } from '../../../src/appearance/settings.ts';
import type { SessionStore } from './storage.ts';

export interface AttentionHooks {
  isOpen(): boolean;
  greet(text: string): void;
  /** Opens the chat without taking the focus from the page. */
  open(): void;
}

/** Whether the page is narrow enough that the open chat covers all of it (see the styles' media query). */
const isNarrow = (): boolean => typeof matchMedia === 'function' && matchMedia('(max-width: 480px)').matches;

/**
 * The greeting bubble after its delay, and the proactive opening on the pages it names — each at
 * most once per browser session, and never once the visitor has opened, closed or dismissed the
 * chat. On a phone the open chat would cover the page: the greeting asks instead.
 */
export function seekAttention(appearance: WidgetAppearance, store: SessionStore, hooks: AttentionHooks, path: string): void {
  const { greeting, proactive } = appearance;
  const greet = (): void => {
    if (greeting && !hooks.isOpen() && !store.flag('greeted')) hooks.greet(greeting.text);
  };
  if (greeting) setTimeout(greet, greeting.delay * 1000);
  if (!proactive || store.flag('proactive')) return;
  if (proactive.paths !== null && !proactive.paths.some((pattern) => pathMatches(pattern, path))) return;
  setTimeout(() => {
    if (hooks.isOpen() || store.flag('proactive')) return;
    store.flag('proactive', true);
    if (isNarrow()) greet();
    else hooks.open();
  }, proactive.delay * 1000);
}
