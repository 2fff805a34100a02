import { useTranslation } from 'react-i18next';
import { accentOn, contrast, CONTROL_CONTRAST, ratioText, TEXT_CONTRAST, textOn, THEME_COLOURS } from '../../../../src/appearance/contrast.ts';
import { HEX_COLOUR } from '../../../../src/appearance/schema.ts';

/** What the accent does to legibility: the text drawn on it, and the accent drawn on the panel. */
export function ContrastCheck({ accent, theme }: { accent: string; theme: 'light' | 'dark' }) {
  const { t } = useTranslation();
  if (!HEX_COLOUR.test(accent)) return null;
  const on = textOn(accent);
  const onRatio = contrast(accent, on);
  const background = THEME_COLOURS[theme].background;
  const bgRatio = contrast(accent, background);
  const usedOnPanel = accentOn(accent, theme) === accent;
  return (
    <ul className="contrast" aria-label={t('appearance.contrast')}>
      <li>
        <span className="swatch" style={{ background: accent, borderColor: on }} aria-hidden="true" />
        {t('appearance.contrastText', { colour: t(on === '#ffffff' ? 'appearance.white' : 'appearance.black'), ratio: ratioText(onRatio) })}{' '}
        <strong className="ok">{t(onRatio >= TEXT_CONTRAST ? 'appearance.pass' : 'appearance.fail')}</strong>
      </li>
      <li>
        <span className="swatch" style={{ background, borderColor: accent }} aria-hidden="true" />
        {t('appearance.contrastBackground', { theme: t(`appearance.${theme}`).toLowerCase(), ratio: ratioText(bgRatio) })}{' '}
        {usedOnPanel ? (
          <strong className="ok">{t('appearance.pass')}</strong>
        ) : (
          <strong className={bgRatio < CONTROL_CONTRAST ? 'error' : 'warn'}>{t('appearance.fallback')}</strong>
        )}
      </li>
    </ul>
  );
}
