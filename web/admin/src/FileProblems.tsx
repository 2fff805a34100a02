import { useTranslation } from 'react-i18next';
import { problemMessage, type Problem } from '../../../src/flow/problem.ts';
import { useLocale } from './locale.ts';

/**
 * The problems of a bot file, one per line as `renkei validate` prints them: the line, the block,
 * the field and the message (with its "did you mean") in the admin's language.
 */
export function FileProblems({ file, problems }: { file: string; problems: readonly Problem[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="file-problems" role="alert" aria-label={t('problems.title', { file })}>
      <p>{t('problems.summary', { file, count: errors })}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i} className={p.severity}>
            {p.line !== null && <span className="where">{t('problems.line', { line: p.line })} </span>}
            {p.block !== null && <span className="where">{t('problems.block', { block: p.block })} </span>}
            {p.field !== null && <code className="where">{p.field} </code>}
            <span>
              {p.severity === 'warning' ? `${t('problems.warning')}: ` : ''}
              {problemMessage(p, locale)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
