import { guessLocale, isWidgetLocale, type WidgetLocale } from './i18n.ts';

export interface ScriptConfig {
  readonly bot: string;
  readonly apiOrigin: string;
  readonly locale: WidgetLocale;
}

/**
 * What the embedding `<script src=".../widget.js" data-bot="support">` asks for. The API is
 * wherever the script came from, so one tag is all a site adds. `data-locale` names the language
 * to use until the conversation tells the bot's own (default: the page's language).
 */
export function readScriptConfig(script: HTMLScriptElement): ScriptConfig | string {
  const bot = script.dataset['bot']?.trim() ?? '';
  if (!/^[a-z0-9-]+$/.test(bot)) return 'the script tag needs data-bot="<bot id>" (lower-case letters, digits and -)';
  const locale = script.dataset['locale'];
  return {
    bot,
    apiOrigin: new URL(script.src, document.baseURI).origin,
    locale: isWidgetLocale(locale) ? locale : guessLocale(document.documentElement.lang, navigator.language),
  };
}

/** The tag that loaded this script. `currentScript` is set while an (async) classic script runs; the search is for the odd loader that runs it otherwise. */
export function findOwnScript(current: HTMLOrSVGScriptElement | null): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement && current.src !== '') return current;
  const tags = document.querySelectorAll<HTMLScriptElement>('script[src][data-bot]');
  for (const tag of tags) if (/\/widget\.js(?:[?#]|$)/.test(tag.src)) return tag;
  return null;
}
