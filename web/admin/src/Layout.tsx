import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { setToken } from './auth.ts';
import { LANGUAGES, setLanguage, type Language } from './i18n.ts';
import { Link } from './Link.tsx';

const NAV = [
  ['/bots', 'nav.bots'],
  ['/records', 'nav.records'],
  ['/directory', 'nav.directory'],
  ['/integrations', 'nav.integrations'],
  ['/conversations', 'nav.conversations'],
  ['/personal-data', 'privacy.nav.personalData'],
  ['/audit', 'privacy.nav.audit'],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="app">
      <header>
        <strong>Renkei</strong>
        <nav>
          {NAV.map(([to, key]) => (
            <Link key={to} to={to}>
              {t(key)}
            </Link>
          ))}
        </nav>
        <span className="lang">
          <label htmlFor="language">{t('nav.language')}</label>
          <select id="language" value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : '日本語'}
              </option>
            ))}
          </select>
        </span>
        <button type="button" onClick={() => setToken(null)}>
          {t('nav.logout')}
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}
