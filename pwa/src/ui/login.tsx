import { useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api';
import { login } from '../data';
import { t } from '../i18n';
import { describe } from '../problem';

export function loginErrorText(error: unknown): string {
  if (error instanceof NetworkError && error.kind === 'offline') return t('login_offline');
  if (error instanceof ApiError) {
    if (error.status === 401) return t('wrong_password');
    if (error.status === 429) return t('locked', { s: error.retryAfter ?? 60 });
  }
  return describe(error);
}

/** Shared by the login screen and the re-login dialog: busy flag, readable error, submit. */
export function useSignIn(then?: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signIn = async (event: Event, username: string, password: string) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      then?.();
    } catch (e) {
      setError(loginErrorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, signIn };
}

export function LoginScreen() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, signIn } = useSignIn();
  const submit = (event: Event) => signIn(event, username.trim(), password);
  return (
    <form class="card login" onSubmit={submit} data-testid="login">
      <img class="logo" src="/icons/icon-192.png" alt="" width="72" height="72" />
      <h1>{t('app_name')}</h1>
      <label>
        {t('username')}
        <input
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          value={username}
          onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
          required
        />
      </label>
      <label>
        {t('password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('signing_in') : t('sign_in')}
      </button>
    </form>
  );
}
