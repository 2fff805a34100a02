import { z } from 'zod';
import type { LeadRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import type { Variables } from '../vocabulary/variables.ts';
import { renderAll, templateMap } from './integration.ts';

/** The inputs leads and contacts share, defaulting to what the visitor has told the bot. */
export const personInputs = {
  name: z.string().default('%visitor.name%'),
  email: z.string().default('%visitor.email%'),
  phone: z.string().default('%visitor.phone%'),
  company: z.string().default('%visitor.company%'),
  fields: templateMap.default({}),
};
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
