import { useTranslation } from 'react-i18next';
import { BLOCK_TYPES, categoryOf, roleOf, type BlockType } from './blocks.ts';

const GROUPS = ['messages', 'inputs', 'logic', 'integrations'] as const;

/** The blocks to add, grouped as in the reference product; integrations show their provider. */
export function Palette({ providers, onAdd }: { providers: Readonly<Record<string, string>>; onAdd: (type: BlockType) => void }) {
  const { t } = useTranslation();
  return (
    <nav className="palette" aria-label={t('builder.palette')}>
      {GROUPS.map((group) => (
        <section key={group}>
          <h3>{t(`category.${group}`)}</h3>
          {BLOCK_TYPES.filter((type) => categoryOf(type) === group).map((type) => {
            const role = roleOf(type);
            const provider = role === null ? null : role === 'webhook' ? 'HTTP' : (providers[role] ?? t('builder.notConfigured'));
            return (
              <button key={type} type="button" data-type={type} onClick={() => onAdd(type)}>
                {t(`block.${type}`, { defaultValue: type })}
                {provider && <small className="provider">{provider}</small>}
              </button>
            );
          })}
        </section>
      ))}
    </nav>
  );
}
