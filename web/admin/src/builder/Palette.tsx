import { useTranslation } from 'react-i18next';
import { BLOCK_CATEGORIES } from '../../../../src/blocks/block.ts';
import { CATEGORY_LABELS } from '../../../../src/blocks/labels.ts';
import { useLocale } from '../locale.ts';
import { BLOCKS, BLOCK_TYPES, categoryOf, roleOf, type BlockType } from './blocks.ts';

/** The blocks to add, grouped as in the reference product; integrations show their provider. */
export function Palette({ providers, onAdd }: { providers: Readonly<Record<string, string>>; onAdd: (type: BlockType) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <nav className="palette" aria-label={t('builder.palette')}>
      {BLOCK_CATEGORIES.map((group) => (
        <section key={group}>
          <h3>{CATEGORY_LABELS[group][locale]}</h3>
          {BLOCK_TYPES.filter((type) => categoryOf(type) === group).map((type) => {
            const role = roleOf(type);
            const provider = role === null ? null : role === 'webhook' ? 'HTTP' : (providers[role] ?? t('builder.notConfigured'));
            return (
              <button key={type} type="button" data-type={type} onClick={() => onAdd(type)}>
                {BLOCKS[type].label[locale]}
                {provider && <small className="provider">{provider}</small>}
              </button>
            );
          })}
        </section>
      ))}
    </nav>
  );
}
