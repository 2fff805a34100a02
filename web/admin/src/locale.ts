import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../src/vocabulary/locales.ts';

/** The admin's language as one of the locales the declarations (block labels, outcome words) are written in. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('ja') ? 'ja' : 'en';
}
