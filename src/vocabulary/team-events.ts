import { RECORD_EVENTS } from './record-events.ts';

/**
 * What Renkei tells the team through event webhooks (and, for hand-offs, e-mail): a conversation
 * handed to a person, a record an integration block created (the same names the widget's page
 * hears, from record-events.ts), and an integration that refused its credentials.
 */
export const TEAM_EVENTS = ['conversation.handoff', ...RECORD_EVENTS, 'integration.invalid'] as const;
export type TeamEvent = (typeof TEAM_EVENTS)[number];
