import type { HintCode } from '../result.ts';
import type { Locale } from '../../vocabulary/locales.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';

/** The short hints shown before a prompt is repeated, per bot locale. */
export const HINTS: Record<Locale, Record<HintCode, string>> = { en, ja };
