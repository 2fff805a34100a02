import type { BlockWords } from './index.ts';

export const ja: BlockWords = {
  consentAccept: '同意する',
  consentDecline: '同意しない',
  consentDeclinedEnd: '承知しました。同意をいただけない場合はご案内を続けられないため、ここで終了いたします。ご来訪ありがとうございました。',
};
