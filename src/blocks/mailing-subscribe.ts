import { z } from 'zod';
import { subscribeRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, PORT } from './block.ts';
import { group, mergeField, text, variable } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';

const SPECIFIC_PORTS = ['integration_invalid'] as const;
/** `status`: `subscribed`, or `pending_confirmation` when the list's double opt-in mailed the visitor. */
const OUTPUTS = ['status'] as const;

export const mailingSubscribeSchema = z.strictObject({
  type: z.literal('mailing.subscribe'),
  ...blockCommon,
  /** A list name or id, resolved by the connector. */
  list: z.string().min(1),
  // `name` and `email` must each be exactly one merge field; the bot validator checks that.
  // The subscriber's name input takes the key `name`, so these blocks are labelled by their id.
  name: z.string().default('%visitor.name%'),
  email: z.string().default('%visitor.email%'),
  phone: z.string().default('%visitor.phone%'),
  ports: portsSchema(SPECIFIC_PORTS),
  save: outputSaveSchema(OUTPUTS),
});
export type MailingSubscribeConfig = z.output<typeof mailingSubscribeSchema>;

export const mailingSubscribe = defineIntegration({
  type: 'mailing.subscribe',
  label: { en: 'Add to mailing list', ja: '配信リストに追加する' },
  description: {
    en: 'Adds the visitor to a mailing list; someone already on it continues down `success`.',
    ja: '訪問者をメーリングリストに追加します。すでに登録済みでも `success` に進みます。',
  },
  schema: mailingSubscribeSchema,
  fields: {
    name: mergeField(FIELD_LABELS.name),
    list: text({ en: 'Mailing list', ja: 'メーリングリスト' }, { values: { role: 'mailing', field: 'list' } }),
    email: mergeField(FIELD_LABELS.email),
    phone: text(FIELD_LABELS.phone),
    ports: PORT,
    save: group(FIELD_LABELS.save, { status: variable({ en: 'Subscription status', ja: '登録の状態' }) }),
  },
  integration: {
    role: 'mailing',
    specificPorts: SPECIFIC_PORTS,
    outputs: OUTPUTS,
    announces: 'subscriber.added',
    request: subscribeRequest,
    call: (connectors, request, ctx) => connectors.mailing.subscribe(request, ctx),
  },
  inputs: ['list', 'name', 'email', 'phone'],
  render: (config, vars) => ({
    list: render(config.list, vars),
    name: render(config.name, vars),
    email: render(config.email, vars),
    phone: render(config.phone, vars),
  }),
  savedVariables: (config) => Object.values(config.save ?? {}).filter((v) => v !== undefined),
  saved: (config, outputs) => savedOutputs(config.save, outputs),
});
