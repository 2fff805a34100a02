import { guessLocale, isWidgetLocale, type WidgetLocale } from './i18n.ts';

/** `bubble`: a launcher button in a corner opens the chat; `inline`: the chat sits open inside a page element. */
export type EmbedMode = 'bubble' | 'inline';

export interface ScriptConfig {
  readonly bot: string;
  readonly apiOrigin: string;
  readonly locale: WidgetLocale;
  readonly mode: EmbedMode;
  /** The CSS selector of the element the inline chat goes into. */
  readonly target: string | null;
  /** Pick the stored conversation up again after a reload (default), or start a new one on every page load. */
  readonly resume: boolean;
}

/**
 * What the embedding `<script src=".../widget.js" data-bot="support">` asks for. The API is
 * wherever the script came from, so one tag is all a site adds. `data-locale` names the language
 * to use until the conversation tells the bot's own (default: the page's language); `data-mode`,
 * `data-target` and `data-resume` choose the embed. A mistake is an error message, never a guess.
 */
export function readScriptConfig(script: HTMLScriptElement): ScriptConfig | string {
  const data = script.dataset;
  const bot = data['bot']?.trim() ?? '';
  if (!/^[a-z0-9-]+$/.test(bot)) return 'the script tag needs data-bot="<bot id>" (lower-case letters, digits and -)';
  const mode = data['mode'] ?? 'bubble';
  if (mode !== 'bubble' && mode !== 'inline') return `data-mode is "bubble" or "inline", not "${mode}"`;
  const target = data['target']?.trim() || null;
  if (mode === 'inline' && target === null) return 'data-mode="inline" needs data-target="<CSS selector of the element to put the chat in>"';
  const resume = data['resume'] ?? 'true';
  if (resume !== 'true' && resume !== 'false') return `data-resume is "true" or "false", not "${resume}"`;
  const locale = data['locale'];
  return {
    bot,
    apiOrigin: new URL(script.src, document.baseURI).origin,
    locale: isWidgetLocale(locale) ? locale : guessLocale(document.documentElement.lang, navigator.language),
    mode,
    target,
    resume: resume === 'true',
  };
}

/** The tag that loaded this script. `currentScript` is set while an (async) classic script runs; the search is for the odd loader that runs it otherwise. */
export function findOwnScript(current: HTMLOrSVGScriptElement | null): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement && current.src !== '') return current;
  const tags = document.querySelectorAll<HTMLScriptElement>('script[src][data-bot]');
  for (const tag of tags) if (/\/widget\.js(?:[?#]|$)/.test(tag.src)) return tag;
  return null;
}
