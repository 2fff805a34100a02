import type { Migration } from 'kysely/migration';
import * as initial from './001-initial.ts';
import * as runtime from './002-runtime.ts';
import * as postgresTurn from './003-postgres-turn.ts';
import * as images from './004-images.ts';
import * as inbox from './005-inbox.ts';
import * as personalData from './006-personal-data.ts';
import * as ticketChanges from './007-ticket-changes.ts';
import * as oauthStates from './008-oauth-states.ts';
import * as postgresTurnCost from './011-postgres-turn-cost.ts';
import * as postgresTurnRow from './012-postgres-turn-row.ts';
import * as watcherLease from './013-watcher-lease.ts';
import * as oauthStateClaims from './015-oauth-state-claims.ts';
import * as postgresTurnScalars from './016-postgres-turn-scalars.ts';

/**
 * Every migration, by name; Kysely runs them in name order. Append new ones here — the same list
 * runs on SQLite and PostgreSQL, so each must use portable schema-builder calls only.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-initial': initial,
  '002-runtime': runtime,
  '003-postgres-turn': postgresTurn,
  '004-images': images,
  '005-inbox': inbox,
  '006-personal-data': personalData,
  '007-ticket-changes': ticketChanges,
  '008-oauth-states': oauthStates,
  '011-postgres-turn-cost': postgresTurnCost,
  '012-postgres-turn-row': postgresTurnRow,
  '013-watcher-lease': watcherLease,
  '015-oauth-state-claims': oauthStateClaims,
  '016-postgres-turn-scalars': postgresTurnScalars,
};
