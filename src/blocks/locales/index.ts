import type { Locale } from '../../vocabulary/locales.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';

/** What blocks say to a visitor by themselves, when the bot file does not word it. */
export interface BlockWords {
  /** The consent block's buttons. */
  readonly consentAccept: string;
  readonly consentDecline: string;
  /** The last message when a visitor declines and the bot has no `declined` port. */
  readonly consentDeclinedEnd: string;
}

/** Per bot locale. */
export const BLOCK_WORDS: Record<Locale, BlockWords> = { en, ja };
