import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { loadBotText, type Problem } from '../../flow/index.ts';
import { sourceLines } from '../../flow/lines.ts';
import { knownTicketValues } from '../../connectors/builtin/values.ts';
import { BOT_ID } from '../../flow/bot-schema.ts';
import {
  checkRollback,
  getPublished,
  getVersion,
  listBots,
  listVersions,
  publish,
  rollback,
  saveDraft,
  type BotFormat,
  type BotVersion,
} from '../../store/bots.ts';
import { storedImageIds } from '../../store/images.ts';
import { StoreError } from '../../store/errors.ts';
import { LOCALES, type Locale } from '../../vocabulary/locales.ts';
import { localeOf } from './admin-providers.ts';
import type { Store } from '../../store/store.ts';
import type { Providers } from '../../connectors/registry.ts';
import { checkServiceValues, serviceValueMessage, type ServiceValueProblem } from '../../runtime/service-values.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { ApiError, errorBody, errorDetail } from '../errors.ts';
import { ADMIN, adminErrors, problem, type ProblemView } from '../schemas/admin.ts';
import { botSummary, botVersion, publishedChecked } from '../schemas/bots.ts';

/** Largest bot file accepted. */
export const BOT_BODY_LIMIT = 1024 * 1024;

const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/x-yaml'];
const JSON_TYPE = 'application/json';

const botParams = z.object({ id: z.string().regex(BOT_ID, 'a bot id is lower-case letters, digits and -').max(100) });
const versionNumber = z.coerce.number().int().min(1);

const saved = z.object({ botId: z.string(), version: z.number().int(), warnings: z.array(problem) });
const invalidBot = z.object({ error: errorDetail, problems: z.array(problem), warnings: z.array(problem) });

const view = (p: Problem): ProblemView => ({
  severity: p.severity,
  code: p.code,
  message: p.message,
  block: p.block,
  field: p.field,
  line: p.line,
});

/** A publish check's problem, worded in the admin's language. */
const serviceView = (p: ServiceValueProblem, locale: Locale): ProblemView => ({
  severity: p.severity,
  code: p.code,
  message: serviceValueMessage(p, locale),
  block: p.block,
  field: p.field,
  line: p.line,
});

export interface AdminBotsOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  /** Publishing checks literal values against what these providers list (the builder's dropdowns). */
  readonly providers: Providers;
}

/** Bots: upload drafts, list them and their versions, publish, roll back, download. */
export const adminBotsRoutes: FastifyPluginAsyncZod<AdminBotsOptions> = async (app, { store, secretBox, providers }) => {
  const { db } = store;

  // The upload keeps the file as text: the loader reads YAML and JSON alike and needs the text
  // for line numbers, and the exact source is what a download gives back. Its own context, so
  // JSON bodies of the other routes are parsed as usual.
  await app.register(async (plain) => {
    const upload = plain.withTypeProvider<ZodTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser([JSON_TYPE, ...YAML_TYPES], { parseAs: 'string', bodyLimit: BOT_BODY_LIMIT }, (_req, body, done) => done(null, body));

    upload.put(
      '/bots/:id',
      {
        bodyLimit: BOT_BODY_LIMIT,
        schema: {
          ...ADMIN,
          summary: 'Upload a bot file as a new draft version',
          description:
            'The body is the bot file (Content-Type application/yaml, text/yaml or application/json). Its `id` must be the one in the path. ' +
            'A valid file becomes the next version (201 for a new bot, 200 for a new version of one), unpublished; ' +
            'an invalid one is refused with 422 and every problem, by block and field.',
          consumes: [...YAML_TYPES.slice(0, 2), JSON_TYPE],
          params: botParams,
          body: z.string().describe('The bot file.'),
          response: { 200: saved, 201: saved, 422: invalidBot, 413: errorBody, 415: errorBody, ...adminErrors },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const format: BotFormat = request.headers['content-type']?.startsWith(JSON_TYPE) ? 'json' : 'yaml';
        const source = request.body;
        const { bot, problems } = loadBotText(source, `${id}.${format}`, knownTicketValues);
        const errors = problems.filter((p) => p.severity === 'error').map(view);
        const warnings = problems.filter((p) => p.severity === 'warning').map(view);
        if (bot && bot.id !== id) {
          errors.push({
            severity: 'error',
            code: 'id_mismatch',
            message: `the file's id is "${bot.id}" but it was uploaded as "${id}"`,
            block: null,
            field: 'id',
            line: null,
          });
        }
        if (!bot || errors.length > 0) {
          const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
          return reply.code(422).send({
            error: { code: 'invalid_bot', message: `the bot file has ${count}; nothing was saved` },
            problems: errors,
            warnings,
          });
        }
        const avatar = bot.appearance?.avatar;
        if (avatar !== undefined && !(await storedImageIds(db, [avatar])).has(avatar)) {
          warnings.push({
            severity: 'warning',
            code: 'image_not_found',
            message: `no image ${avatar} is stored here: upload it (Appearance page, or POST /api/v1/admin/images) or the widget shows no avatar`,
            block: null,
            field: 'appearance.avatar',
            line: null,
          });
        }
        const { version } = await saveDraft(db, id, { source, format, bot });
        return reply.code(version === 1 ? 201 : 200).send({ botId: id, version, warnings });
      },
    );
  });

  app.get('/bots', { schema: { ...ADMIN, summary: 'Every bot', response: { 200: z.object({ items: z.array(botSummary) }), ...adminErrors } } }, async () => ({
    items: await listBots(db),
  }));

  app.get(
    '/bots/:id/versions',
    {
      schema: {
        ...ADMIN,
        summary: "A bot's versions, newest first",
        params: botParams,
        response: { 200: z.object({ items: z.array(botVersion) }), ...adminErrors },
      },
    },
    async (request) => {
      const items = await listVersions(db, request.params.id);
      if (items.length === 0) throw new ApiError(404, 'bot_not_found', `there is no bot "${request.params.id}"`);
      return { items };
    },
  );

  const localeQuery = z.object({
    locale: z
      .enum(LOCALES)
      .optional()
      .describe("The language of the problems' messages (default: the first language of Accept-Language that Renkei has, else English)."),
  });

  /**
   * Checks the version's literal service values, then makes it the published one with `make`
   * (publish or rollback): the same check, and the same 422, whichever way a version goes live.
   * Each problem names the line of its value in the version's file.
   */
  async function checkedPublish(
    found: BotVersion,
    request: { readonly query: { readonly locale?: Locale | undefined }; readonly headers: { readonly 'accept-language'?: string | undefined } },
    make: () => Promise<{ readonly version: number }>,
  ) {
    const checked = await checkServiceValues(found.bot, { store, providers, decrypt: (blob) => secretBox().open(blob) }, sourceLines(found.source));
    const locale = localeOf(request.query.locale, request.headers['accept-language']);
    const errors = checked.filter((p) => p.severity === 'error').map((p) => serviceView(p, locale));
    const warnings = checked.filter((p) => p.severity === 'warning').map((p) => serviceView(p, locale));
    if (errors.length > 0) {
      const count = errors.length === 1 ? '1 value' : `${errors.length} values`;
      return {
        refused: {
          error: { code: 'unknown_service_value', message: `version ${found.version} has ${count} the connected service does not have; nothing was published` },
          problems: errors,
          warnings,
        },
      } as const;
    }
    const result = await make();
    return { done: { botId: found.botId, version: result.version, warnings } } as const;
  }

  const CHECKS =
    "A block field whose values live in the connected service (stage, source, status, priority, classification, department, assignee, list) and holds a literal is checked against the service's values: " +
    'one it does not have refuses the publish with 422, naming the block, the field and the line of the value in the bot file; when the service cannot be asked, the version is published and `warnings` says which values went unchecked. ' +
    "A CRM block's extra `fields:` name the connected CRM object does not have, or will not take a value for (read-only, calculated), is a warning (`service_field_unknown`, with a likely name when there is one), never a refusal: the block leaves it out when it runs.";

  app.post(
    '/bots/:id/publish',
    {
      schema: {
        ...ADMIN,
        summary: 'Publish the latest version (or the one given)',
        description: 'New conversations get the published version; running conversations stay on the version they started with. ' + CHECKS,
        params: botParams,
        querystring: localeQuery,
        body: z
          .object({ version: z.number().int().min(1).optional() })
          .strict()
          .nullish(),
        response: { 200: publishedChecked, 422: invalidBot, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const wanted = request.body?.version ?? (await listVersions(db, id))[0]?.version;
      const found = wanted === undefined ? undefined : await getVersion(db, id, wanted);
      // Missing: the same answer as the store's (it refuses the same way inside its transaction).
      if (!found) throw new StoreError('not_found', wanted === undefined ? `bot "${id}" has no version to publish` : `bot "${id}" has no version ${wanted}`);
      const outcome = await checkedPublish(found, request, () => publish(db, id, found.version));
      return outcome.refused ? reply.code(422).send(outcome.refused) : outcome.done;
    },
  );

  app.post(
    '/bots/:id/rollback',
    {
      schema: {
        ...ADMIN,
        summary: 'Publish an earlier version again',
        description:
          'The version must be older than the published one (else 400: publish it instead). It is checked as a publish is, with the same 422 and `warnings`: ' +
          'a version written when the service had a value it no longer has would otherwise go live and fail when its block runs. ' +
          CHECKS,
        params: botParams,
        querystring: localeQuery,
        body: z.object({ version: z.number().int().min(1) }).strict(),
        response: { 200: publishedChecked, 422: invalidBot, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { version } = request.body;
      // Not found or not earlier: refused before the service is asked (rollback refuses the same way again in the store).
      await checkRollback(db, id, version);
      const found = await getVersion(db, id, version);
      if (!found) throw new StoreError('not_found', `bot "${id}" has no version ${version}`);
      const outcome = await checkedPublish(found, request, () => rollback(db, id, version));
      return outcome.refused ? reply.code(422).send(outcome.refused) : outcome.done;
    },
  );

  app.get(
    '/bots/:id/source',
    {
      schema: {
        ...ADMIN,
        summary: 'Download a version as YAML',
        description:
          'Without `version`, the published version (or the latest when none is published). A YAML upload comes back exactly as uploaded; a JSON one as the same document in YAML.',
        params: botParams,
        querystring: z.object({ version: versionNumber.optional() }),
        response: {
          200: { description: 'The bot file', content: { 'application/yaml': { schema: z.string() } } },
          ...adminErrors,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const wanted = request.query.version ?? (await getPublished(db, id))?.version ?? (await listVersions(db, id))[0]?.version;
      const found = wanted === undefined ? undefined : await getVersion(db, id, wanted);
      if (!found) {
        throw wanted === undefined
          ? new ApiError(404, 'bot_not_found', `there is no bot "${id}"`)
          : new ApiError(404, 'version_not_found', `bot "${id}" has no version ${wanted}`);
      }
      const yaml = found.format === 'yaml' ? found.source : toYaml(parseYaml(found.source));
      return reply
        .type('application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}.yaml"`)
        .header('x-renkei-bot-version', String(found.version))
        .serializer((payload) => String(payload))
        .send(yaml);
    },
  );
};
