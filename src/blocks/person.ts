import { z } from 'zod';
import type { LeadRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import type { Variables } from '../vocabulary/variables.ts';
import { renderAll, templateMap } from './integration.ts';
import { map, text } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';

/** The inputs leads and contacts share, defaulting to what the visitor has told the bot. */
export const personInputs = {
  name: z.string().default('%visitor.name%'),
  email: z.string().default('%visitor.email%'),
  phone: z.string().default('%visitor.phone%'),
  company: z.string().default('%visitor.company%'),
  fields: templateMap.default({}),
};
/** The form of those inputs. */
export const PERSON_FIELDS = {
  name: text(FIELD_LABELS.name),
  email: text(FIELD_LABELS.email),
  phone: text(FIELD_LABELS.phone),
  company: text(FIELD_LABELS.company),
  fields: map(FIELD_LABELS.fields, {
    help: { en: 'Extra fields of the record, by their API name in the service.', ja: 'サービス側の API 名で指定する追加フィールド。' },
  }),
} as const;

export const PERSON_INPUTS = ['name', 'email', 'phone', 'company', 'fields'] as const;

interface PersonConfig {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly company: string;
  readonly fields: Readonly<Record<string, string>>;
}

export const renderPerson = (config: PersonConfig, vars: Variables): LeadRequest => ({
  name: render(config.name, vars),
  email: render(config.email, vars),
  phone: render(config.phone, vars),
  company: render(config.company, vars),
  fields: renderAll(config.fields, vars),
});
