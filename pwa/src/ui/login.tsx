import { useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api';
import { login } from '../data';
import { t } from '../i18n';

export function loginErrorText(error: unknown): string {
  if (error instanceof NetworkError) return t('login_offline');
  if (error instanceof ApiError) {
    if (error.status === 401) return t('wrong_password');
    if (error.status === 429) return t('locked', { s: error.retryAfter ?? 60 });
    return error.message;
  }
  return String(error);
}

export function LoginScreen() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (e) {
      setError(loginErrorText(e));
      setBusy(false);
    }
  };
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
