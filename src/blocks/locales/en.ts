import type { BlockWords } from './index.ts';

export const en: BlockWords = {
  consentAccept: 'I agree',
  consentDecline: 'I do not agree',
  consentDeclinedEnd: 'Understood. We cannot continue without your consent, so this conversation ends here. Thank you for visiting.',
};
