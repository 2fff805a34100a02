import { z } from 'zod';
import { jsonValue, webhookRequest, type JsonValue } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName, type Variables } from '../vocabulary/variables.ts';
import { blockCommon, PORT } from './block.ts';
import { map, number, select, text, word, yaml } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
import { defineIntegration, portsSchema, renderAll, templateMap } from './integration.ts';

/** `$`, then `.key` or `[index]` steps: `$.data.id`, `$.items[0].name`. */
export const JSON_PATH = /^\$(?:\.[A-Za-z0-9_-]+|\[\d+\])*$/;

export const webhookSchema = z.strictObject({
  type: z.literal('webhook'),
  ...blockCommon,
  url: z.string().min(1),
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: templateMap.default({}),
  /** Any YAML value; merge fields are rendered inside every string of it. */
  body: jsonValue.default({}),
  /** variable → JSON path into the response body. */
  save: z.record(variableName, z.string().regex(JSON_PATH, 'must be a JSON path like $.data.id')).default({}),
  timeout_ms: z.int().positive().max(120_000).default(10_000),
  ports: portsSchema([]),
});
export type WebhookConfig = z.output<typeof webhookSchema>;

function renderJson(value: JsonValue, vars: Variables): JsonValue {
  if (typeof value === 'string') return render(value, vars);
  if (Array.isArray(value)) return value.map((item) => renderJson(item, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = Object.create(null);
    for (const key in value) out[key] = renderJson(value[key]!, vars);
    return out;
  }
  return value;
}

export const webhook = defineIntegration({
  type: 'webhook',
  label: { en: 'Webhook', ja: 'Webhook' },
  description: {
    en: 'Sends the body as JSON to a URL of yours and saves values of the JSON answer to variables.',
    ja: '本文を JSON で指定の URL に送り、JSON の応答から値を変数に保存します。',
  },
  schema: webhookSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    url: text({ en: 'URL', ja: 'URL' }),
    method: select({ en: 'Method', ja: 'メソッド' }),
    headers: map({ en: 'Headers', ja: 'ヘッダー' }),
    body: yaml({ en: 'Body (YAML)', ja: '本文（YAML）' }),
    save: {
      label: { en: 'Save to variable', ja: '保存先の変数' },
      widget: 'map',
      merge: 'none',
      help: { en: 'Variable → JSON path into the answer (`$.data.id`).', ja: '変数 → 応答の JSON パス（`$.data.id`）。' },
    },
    timeout_ms: number({ en: 'Timeout (ms)', ja: 'タイムアウト（ミリ秒）' }),
    ports: PORT,
  },
  integration: {
    role: 'webhook',
    specificPorts: [],
    outputs: [],
    announces: null,
    request: webhookRequest,
    call: (connectors, request, ctx) => connectors.webhook.call(request, ctx),
  },
  inputs: ['url', 'headers', 'body'],
  render: (config, vars) => ({
    url: render(config.url, vars),
    method: config.method,
    headers: renderAll(config.headers, vars),
    body: renderJson(config.body, vars),
    save: config.save,
    timeoutMs: config.timeout_ms,
  }),
  savedVariables: (config) => Object.keys(config.save),
  // The connector returns outputs keyed by variable; a path the response lacked saves ''.
  saved: (config, outputs) => Object.fromEntries(Object.keys(config.save).map((v) => [v, Object.hasOwn(outputs, v) ? outputs[v]! : ''])),
});
