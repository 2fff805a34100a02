import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { useEffect } from 'react';
import { checkSession, useAccount, useSessionChecked, useToken } from './auth.ts';
import { AccountPage } from './inbox/AccountPage.tsx';
import { InboxPage } from './inbox/InboxPage.tsx';
import { InvitationPage } from './inbox/InvitationPage.tsx';
import { TeamPage } from './inbox/TeamPage.tsx';
import './i18n.ts';
import { Layout } from './Layout.tsx';
import { Login } from './Login.tsx';
import { AnalyticsPage } from './pages/AnalyticsPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { BotsPage } from './pages/BotsPage.tsx';
import { ConversationsPage } from './pages/ConversationsPage.tsx';
import { DirectoryPage } from './pages/DirectoryPage.tsx';
import { IntegrationsPage } from './pages/IntegrationsPage.tsx';
import { PersonalDataPage } from './pages/PersonalDataPage.tsx';
import { RecordPage } from './pages/RecordPage.tsx';
import { RecordsPage } from './pages/RecordsPage.tsx';
import { match, usePath } from './router.ts';
import './styles.css';

// The canvas, its layout engine and the block schemas are the heavy part: loaded with the builder only.
const BuilderPage = lazy(() => import('./builder/BuilderPage.tsx'));
// Loaded with its page only: the live preview brings the widget's view along.
const AppearancePage = lazy(() => import('./pages/AppearancePage.tsx'));

function Route({ path }: { path: string }) {
  const { t } = useTranslation();
  let params: Record<string, string> | null;
  if (path.startsWith('/inbox')) return <InboxPage />;
  if (path.startsWith('/team')) return <TeamPage />;
  if (path.startsWith('/account')) return <AccountPage />;
  if ((params = match('/bots/:id', path))) return <BuilderPage key={params['id']} botId={params['id']!} />;
  if ((params = match('/bots/:id/analytics', path))) return <AnalyticsPage botId={params['id']!} />;
  if ((params = match('/bots/:id/appearance', path))) return <AppearancePage key={params['id']} botId={params['id']!} />;
  if ((params = match('/records/:kind/:id', path))) return <RecordPage key={path} kind={params['kind']!} id={params['id']!} />;
  if (path.startsWith('/records')) return <RecordsPage />;
  if (path.startsWith('/directory')) return <DirectoryPage />;
  if (path.startsWith('/integrations')) return <IntegrationsPage />;
  if ((params = match('/conversations/:id', path))) return <ConversationsPage selected={params['id']!} />;
  if (path.startsWith('/conversations')) return <ConversationsPage selected={null} />;
  if (path.startsWith('/personal-data')) return <PersonalDataPage />;
  if (path.startsWith('/audit')) return <AuditPage />;
  if (path === '/' || path.startsWith('/bots')) return <BotsPage />;
  return <p>{t('notFound')}</p>;
}

function App() {
  const token = useToken();
  const account = useAccount();
  const checked = useSessionChecked();
  const path = usePath();
  const { t } = useTranslation();
  useEffect(() => void checkSession(), []);
  if (path.startsWith('/invitation')) return <InvitationPage />;
  if (!token && !account) return checked ? <Login /> : <p>{t('loading')}</p>;
  return (
    <Layout>
      <Suspense fallback={<p>{t('loading')}</p>}>
        <Route path={path} />
      </Suspense>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
