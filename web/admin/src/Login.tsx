import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, request } from './api.ts';
import { setToken } from './auth.ts';

/** Asks for the admin token once per tab and proves it against the API before keeping it. */
export function Login() {
  const { t } = useTranslation();
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="login"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setToken(token.trim());
        try {
          await request('/bots');
        } catch (err) {
          setToken(null);
          setError(errorText(err));
        }
      }}
    >
      <h1>Renkei</h1>
      <label>
        {t('login.token')}
        <input type="password" value={token} onChange={(e) => setValue(e.target.value)} autoFocus required />
      </label>
      <button type="submit">{t('login.submit')}</button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
