import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BotSummaryView, Items } from '../../../../src/server/schemas/bots.ts';
import { parse } from 'yaml';
import { BOT_ID } from '../../../../src/flow/bot-schema.ts';
import { knownTicketValues } from '../../../../src/connectors/builtin/values.ts';
import { loadBotText } from '../../../../src/flow/load-text.ts';
import type { Problem } from '../../../../src/flow/problem.ts';
import { request } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { FileProblems } from '../FileProblems.tsx';
import { Link } from '../Link.tsx';
import { navigate } from '../router.ts';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';

export function BotsPage() {
  const { t, i18n } = useTranslation();
  const { data, error, reload } = useFetch<Items<BotSummaryView>>('/bots');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  // A new bot speaks the admin's language unless they choose another.
  const [locale, setLocale] = useState(i18n.language.startsWith('ja') ? 'ja' : 'en');
  const upload = useSubmit();
  const [fileProblems, setFileProblems] = useState<{ file: string; problems: readonly Problem[] } | null>(null);

  const importFile = (file: File) =>
    upload.run(async () => {
      setFileProblems(null);
      const text = await file.text();
      // Checked here first, as `renkei validate` does: each problem in the admin's language, by line and block.
      const errors = loadBotText(text, file.name, knownTicketValues).problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        setFileProblems({ file: file.name, problems: errors });
        return;
      }
      const doc = parse(text) as { id?: unknown } | null;
      const botId = typeof doc?.id === 'string' ? doc.id : '';
      if (botId === '') throw new Error(t('bots.noId'));
      const json = file.name.endsWith('.json');
      await request(`/bots/${encodeURIComponent(botId)}`, { method: 'PUT', text, contentType: json ? 'application/json' : 'application/yaml' });
      reload();
      navigate(`/bots/${encodeURIComponent(botId)}`);
    });

  return (
    <section>
      <h1>{t('nav.bots')}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('bots.id')}</th>
            <th>{t('bots.name')}</th>
            <th>{t('bots.published')}</th>
            <th>{t('bots.latest')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.items.map((b) => (
            <tr key={b.id}>
              <td>
                <Link to={`/bots/${encodeURIComponent(b.id)}`}>{b.id}</Link>
              </td>
              <td>{b.name}</td>
              <td>{b.publishedVersion ?? '—'}</td>
              <td>{b.latestVersion}</td>
              <td className="row-links">
                <Link to={`/bots/${encodeURIComponent(b.id)}/appearance`}>{t('appearance.link')}</Link>
                <Link to={`/bots/${encodeURIComponent(b.id)}/analytics`}>{t('builder.analytics')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.items.length === 0 && <p>{t('bots.none')}</p>}

      <h2>{t('bots.create')}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const q = new URLSearchParams({ name: name || id, locale });
          navigate(`/bots/${encodeURIComponent(id)}?${q}`);
        }}
      >
        <label>
          {t('bots.id')}
          <input
            name="bot-id"
            value={id}
            // `pattern` is compiled with the v flag, where a bare `-` in a class is a syntax error.
            pattern="[a-z0-9\-]+"
            title={t('bots.idHint')}
            aria-describedby="bot-id-hint"
            required
            onChange={(e) => {
              setId(e.target.value);
              e.target.setCustomValidity(e.target.value === '' || BOT_ID.test(e.target.value) ? '' : t('bots.idHint'));
            }}
          />
          <small id="bot-id-hint" className="hint">
            {t('bots.idHint')}
          </small>
        </label>
        <label>
          {t('bots.name')}
          <input name="bot-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('field.locale')}
          <select name="bot-locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
            <option value="en">English</option>
            <option value="ja">日本語</option>
          </select>
        </label>
        <button type="submit">{t('bots.createButton')}</button>
      </form>

      <h2>{t('bots.import')}</h2>
      <input
        type="file"
        accept=".yaml,.yml,.json"
        aria-label={t('bots.import')}
        disabled={upload.pending}
        aria-busy={upload.pending}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void importFile(file);
        }}
      />
      <Failure error={upload.error} />
      {fileProblems && <FileProblems file={fileProblems.file} problems={fileProblems.problems} />}
    </section>
  );
}
