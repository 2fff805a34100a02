import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText, request } from './api.ts';
import { setToken } from './auth.ts';
import { waitText } from './wait-text.ts';

/** Asks for the admin token once per tab and proves it against the API before keeping it. */
export function Login() {
  const { t, i18n } = useTranslation();
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** The server's refusal in the admin's language: a wrong token, or an address locked out for a while. */
  const refusal = (err: unknown): string => {
    if (err instanceof ApiError && err.status === 401) return t('login.wrongToken');
    if (err instanceof ApiError && err.status === 429) return t('login.lockedOut', { wait: waitText(err.retryAfter ?? 60, i18n.language) });
    return errorText(err);
  };
  /** Reports its own failure in the form, so the submit handler need not await it. */
  const signIn = async () => {
    setError(null);
    try {
      // Kept only once proven: keeping it first would leave this form before the answer came.
      await request('/bots', { token: token.trim() });
      setToken(token.trim());
    } catch (err) {
      setError(refusal(err));
    }
  };
  return (
    <form
      className="login"
      onSubmit={(e) => {
        e.preventDefault();
        void signIn();
      }}
    >
      <h1>Renkei</h1>
      <label>
        {t('login.token')}
        <input type="password" value={token} onChange={(e) => setValue(e.target.value)} autoFocus required />
      </label>
      <button type="submit">{t('login.submit')}</button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
