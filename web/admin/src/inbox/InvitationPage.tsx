import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api.ts';
import { setAccount, type SignedInAccount } from '../auth.ts';
import { Failure } from '../Failure.tsx';
import { navigate } from '../router.ts';
import { useSubmit } from '../use-submit.ts';

/** `/admin/invitation#<token>`: the invited person chooses a password and is signed in. */
export function InvitationPage() {
  const { t } = useTranslation();
  const token = location.hash.slice(1);
  const [who, setWho] = useState<{ email: string } | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [password, setPassword] = useState('');
  const accept = useSubmit();
  useEffect(() => {
    call(`/api/v1/auth/invitations/${encodeURIComponent(token)}`)
      .then(async (res) => setWho((await res.json()) as { email: string }))
      .catch(() => setInvalid(true));
  }, [token]);
  if (invalid)
    return (
      <p className="login error" role="alert">
        {t('team.invitation.invalid')}
      </p>
    );
  if (!who) return <p className="login">{t('loading')}</p>;
  return (
    <form
      className="login"
      aria-busy={accept.pending}
      onSubmit={accept.onSubmit(async () => {
        const res = await call(`/api/v1/auth/invitations/${encodeURIComponent(token)}`, { json: { password } });
        localStorage.setItem('renkei.signInWith', 'account');
        setAccount(((await res.json()) as { account: SignedInAccount }).account);
        navigate('/inbox');
      })}
    >
      <h1>{t('team.invitation.title')}</h1>
      <p>{t('team.invitation.intro', { email: who.email })}</p>
      <label>
        {t('team.invitation.password')}
        <input type="password" autoComplete="new-password" minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
      </label>
      <button type="submit" disabled={accept.pending}>
        {t('team.invitation.submit')}
      </button>
      <Failure error={accept.error} />
    </form>
  );
}
