import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { erasePersonNow } from '../../runtime/personal-data.ts';
import { recordAudit } from '../../store/audit.ts';
import { erasure, exportDocument, findPerson, personalDataDocument, subjectOf, SubjectError, type Subject } from '../../store/personal-data/index.ts';
import type { Store } from '../../store/store.ts';
import { auditContext } from '../audit-trail.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const personQuery = z.object({
  email: z.string().max(320).optional().describe('An email address; compared as the store keys it (NFKC, lower-cased).'),
  phone: z
    .string()
    .max(64)
    .optional()
    .describe('A phone number; compared by its digits (`090-1234-5678`, `０９０１２３４５６７８` and `+81 90-1234-5678` are one).'),
});

function subject(query: z.infer<typeof personQuery>): Subject {
  try {
    return subjectOf(query);
  } catch (error) {
    if (error instanceof SubjectError) throw new ApiError(400, 'invalid_request', error.message, error.field === 'query' ? undefined : error.field);
    throw error;
  }
}

/**
 * Find, export and erase a person (APPI, GDPR): everything Renkei holds about an email address or
 * a phone number. Both answers hold personal data: never cached, and the query never logged
 * (see redact.ts).
 */
export const adminPersonalDataRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  app.get(
    '/personal-data',
    {
      schema: {
        ...ADMIN,
        summary: 'Export everything Renkei holds about a person, as one JSON document',
        description:
          'Give `email` or `phone`. The document has every conversation in which the visitor gave it (with its variables, transcript, ' +
          'integration calls and their attempt log), the built-in records, and `externalRecords`: what those conversations created in other ' +
          'services, to be erased there too. Recorded in the audit log (without the email or phone).',
        querystring: personQuery,
        response: { 200: personalDataDocument, ...adminErrors },
      },
    },
    async (request, reply) => {
      const who = subject(request.query);
      const document = exportDocument(await findPerson(store.db, who));
      await recordAudit(store.db, {
        ...auditContext(request),
        action: 'personal_data.export',
        target: `person:${who.kind}`,
        details: { by: who.kind, counts: document.counts },
      });
      reply.header('cache-control', 'no-store');
      return document;
    },
  );

  app.delete(
    '/personal-data',
    {
      schema: {
        ...ADMIN,
        summary: 'Erase everything Renkei holds about a person',
        description:
          'Give `email` or `phone`. In one transaction: transcript lines and built-in records are deleted; conversations and integration ' +
          'calls are emptied of the visitor (their rows stay, so analytics keep their counts); attempt logs lose their messages; calls not ' +
          'yet made are cancelled. Answers what it removed, and the records in other services to erase there. Recorded in the audit log.',
        querystring: personQuery,
        response: { 200: erasure, ...adminErrors },
      },
    },
    async (request, reply) => {
      const result = await erasePersonNow(store, subject(request.query), auditContext(request));
      if (!result.filesScrubbed) {
        request.log.warn('the write-ahead log could not be emptied after an erasure (a reader held it); SQLite empties it at a later checkpoint');
      }
      reply.header('cache-control', 'no-store');
      const { filesScrubbed: _internal, ...answer } = result;
      return answer;
    },
  );
};
