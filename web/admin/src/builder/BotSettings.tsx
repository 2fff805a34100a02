import { useTranslation } from 'react-i18next';
import type { BotMeta } from './graph.ts';

/** The side panel while no block is selected: the bot's own name and language. */
export function BotSettings({ meta, onChange }: { meta: BotMeta; onChange: (key: 'name' | 'locale', value: string) => void }) {
  const { t } = useTranslation();
  return (
    <aside className="inspector" aria-label={t('builder.botSettings')}>
      <h2>{t('builder.botSettings')}</h2>
      <div className="field">
        <label htmlFor="bot-name">{t('field.name')}</label>
        <input id="bot-name" value={typeof meta['name'] === 'string' ? meta['name'] : ''} onChange={(e) => onChange('name', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="bot-locale">{t('field.locale')}</label>
        <select id="bot-locale" value={String(meta['locale'] ?? 'en')} onChange={(e) => onChange('locale', e.target.value)}>
          <option value="en">English (en)</option>
          <option value="ja">日本語 (ja)</option>
        </select>
      </div>
      <p className="hint">{t('builder.selectHint')}</p>
    </aside>
  );
}
