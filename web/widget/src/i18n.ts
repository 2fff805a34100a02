import { createInstance, type i18n } from 'i18next';
import { en } from './locales/en.ts';
import { ja } from './locales/ja.ts';

export type WidgetLocale = 'en' | 'ja';

export const isWidgetLocale = (value: unknown): value is WidgetLocale => value === 'en' || value === 'ja';

/** A language the page suggests, used until the bot's own locale is known (the conversation tells it). */
export function guessLocale(...hints: readonly (string | null | undefined)[]): WidgetLocale {
  for (const hint of hints) {
    const lang = hint?.toLowerCase().split('-')[0];
    if (isWidgetLocale(lang)) return lang;
  }
  return 'en';
}

/**
 * The widget's own i18next instance: the host page may use i18next itself, and the two must not
 * share a language. The resources are bundled, so it is ready synchronously.
 */
export function createI18n(locale: WidgetLocale): i18n {
  const instance = createInstance({
    lng: locale,
    fallbackLng: 'en',
    resources: { en: { translation: en }, ja: { translation: ja } },
    initAsync: false,
    // Text goes into the page through textContent, never as HTML: escaping would show &amp; literally.
    interpolation: { escapeValue: false },
  });
  void instance.init();
  return instance;
}
