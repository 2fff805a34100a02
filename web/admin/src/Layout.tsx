import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { signOut, useAccount } from './auth.ts';
import { LANGUAGES, setLanguage, type Language } from './i18n.ts';
import { Link } from './Link.tsx';

const NAV = [
  ['/inbox', 'team.nav.inbox'],
  ['/bots', 'nav.bots'],
  ['/records', 'nav.records'],
  ['/directory', 'nav.directory'],
  ['/integrations', 'nav.integrations'],
  ['/conversations', 'nav.conversations'],
  ['/personal-data', 'privacy.nav.personalData'],
  ['/audit', 'privacy.nav.audit'],
  ['/team', 'team.nav.team'],
] as const;
/** What an agent's account may open: the inbox and the records. */
const AGENT_NAV = new Set<string>(['/inbox', '/records']);

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const account = useAccount();
  const nav = account?.role === 'agent' ? NAV.filter(([to]) => AGENT_NAV.has(to)) : NAV;
  return (
    <div className="app">
      <header>
        <strong>Renkei</strong>
        <nav>
          {nav.map(([to, key]) => (
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
        {account && <Link to="/account">{account.name}</Link>}
        <button type="button" onClick={() => void signOut()}>
          {t('nav.logout')}
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}
