import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from '../Link.tsx';
import { TicketEditor, type TicketChangeView } from '../records/TicketEditor.tsx';
import { fieldsOf, RECORD_KINDS, type RecordKind } from '../records/fields.ts';
import { Time, useTimeFormat } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';

export interface RecordDetail {
  readonly kind: RecordKind;
  readonly record: Readonly<Record<string, unknown>>;
  readonly origin: {
    readonly effectId: string | null;
    readonly preview: boolean;
    readonly conversation: { readonly id: string; readonly botId: string; readonly botVersion: number; readonly startedAt: string } | null;
  };
  readonly changes: readonly TicketChangeView[];
}

const isKind = (kind: string): kind is RecordKind => (RECORD_KINDS as readonly string[]).includes(kind);

/** How a record is named in its heading: a ticket by number and subject, the others by name or email. */
function headingOf(t: TFunction, detail: RecordDetail): string {
  const r = detail.record;
  if (detail.kind === 'tickets') return t('record.ticketHeading', { number: r['number'], subject: r['subject'] });
  const name = [r['name'], r['email'], r['id']].find((v) => typeof v === 'string' && v !== '');
  return t('record.heading', { kind: t(`record.kind.${detail.kind}`), name });
}

/**
 * One record of the built-in store: every field, where it came from (the conversation, with a
 * link), and for a ticket its status and assignee with their history.
 */
export function RecordPage({ kind, id }: { kind: string; id: string }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const known = isKind(kind);
  const { data, error, reload } = useFetch<RecordDetail>(known ? `/records/${kind}/${encodeURIComponent(id)}` : null);
  const back = <Link to={`/records?kind=${encodeURIComponent(kind)}`}>{t('record.back', { kind: known ? t(`records.${kind}`) : t('nav.records') })}</Link>;
  if (!known || (error && !data)) {
    return (
      <section>
        {back}
        <p role="alert" className="error">
          {known ? error : t('record.notFound')}
        </p>
      </section>
    );
  }
  if (!data) return <p>{t('loading')}</p>;
  const { record, origin } = data;
  const conversation = origin.conversation;
  return (
    <section className="record-page">
      {back}
      <h1>{headingOf(t, data)}</h1>
      <div className="record-layout">
        <section className="card" aria-labelledby="record-fields">
          <h2 id="record-fields">{t('record.fields')}</h2>
          <dl>
            {fieldsOf(record, format).map(({ key, value }) => (
              <div key={key} className="record-field">
                <dt>{t(`column.${key}`, { defaultValue: key })}</dt>
                <dd>{key === 'createdAt' && typeof record[key] === 'string' ? <Time value={record[key]} /> : value}</dd>
              </div>
            ))}
          </dl>
          {isStringMap(record['fields']) && Object.keys(record['fields']).length > 0 && (
            <>
              <h3>{t('record.extraFields')}</h3>
              <dl>
                {Object.entries(record['fields']).map(([key, value]) => (
                  <div key={key} className="record-field">
                    <dt>{key}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </section>
        <div className="record-side">
          <section className="card" aria-labelledby="record-origin">
            <h2 id="record-origin">{t('record.origin')}</h2>
            {conversation ? (
              <p>
                {t('record.conversation', { bot: conversation.botId, version: conversation.botVersion, at: format.dateTime(conversation.startedAt) })}
                <br />
                <Link to={`/conversations/${encodeURIComponent(conversation.id)}`}>{t('record.openConversation')}</Link>
              </p>
            ) : (
              <p>{t(origin.preview ? 'record.fromPreview' : origin.effectId ? 'record.conversationGone' : 'record.noConversation')}</p>
            )}
            <p className="hint">{t('record.stored')}</p>
          </section>
          {data.kind === 'tickets' && (
            <TicketEditor
              ticketId={String(record['id'])}
              status={String(record['status'])}
              assignee={typeof record['assignee'] === 'string' ? record['assignee'] : null}
              changes={data.changes}
              onChanged={reload}
            />
          )}
        </div>
      </div>
    </section>
  );
}

const isStringMap = (value: unknown): value is Record<string, string> => typeof value === 'object' && value !== null && !Array.isArray(value);
