// Change one's own password: from the account bar, or, after an administrator's reset, the only
// screen the app shows until a new password is chosen (the server refuses everything else).

import { useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api';
import { app } from '../app-state';
import { changePassword, logout } from '../data';
import { t } from '../i18n';
import { describe } from '../problem';
import { navigate } from '../router';
import { useStore } from '../store';

const MIN_LENGTH = 8;

function errorText(error: unknown): string {
  if (error instanceof NetworkError && error.kind === 'offline') return t('pw_offline');
  if (error instanceof ApiError) {
    const fields = (error.errors ?? {}) as Record<string, unknown>;
    if (error.code === 'wrong_password' || 'current_password' in fields) return t('pw_wrong_current');
    if (error.status === 429) return t('locked', { s: error.retryAfter ?? 60 });
    const about = JSON.stringify(fields.new_password ?? '');
    if (about.includes('same')) return t('pw_same');
    if ('new_password' in fields) return t('pw_too_short');
  }
  return describe(error);
}

export function PasswordScreen() {
  const user = useStore(app).session?.user;
  const forced = Boolean(user?.must_change_password);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (next.length < MIN_LENGTH) return setError(t('pw_too_short'));
    if (next !== repeat) return setError(t('pw_mismatch'));
    if (next === current) return setError(t('pw_same'));
    setBusy(true);
    try {
      await changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, name: string, auto: string) => (
    <label>
      {label}
      <input
        name={name}
        type="password"
        autoComplete={auto}
        value={value}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
        required
      />
    </label>
  );

  return (
    <section class="page" data-testid="password-screen">
      {!forced && (
        <a class="back" href="/">
          ‹ {t('back')}
        </a>
      )}
      <form class="card login" onSubmit={submit}>
        <h1>{t('pw_title')}</h1>
        {user && <p class="hint">{user.display_name ? `${user.display_name} (${user.username})` : user.username}</p>}
        {forced && (
          <p class="banner warn" role="alert" data-testid="password-forced">
            {t('pw_forced')}
          </p>
        )}
        {field(t('pw_current'), current, setCurrent, 'current-password', 'current-password')}
        {field(t('pw_new'), next, setNext, 'new-password', 'new-password')}
        {field(t('pw_repeat'), repeat, setRepeat, 'repeat-password', 'new-password')}
        {error && (
          <p class="error" role="alert" data-testid="password-error">
            {error}
          </p>
        )}
        {done && (
          <p class="ok" role="status" data-testid="password-done">
            {t('pw_done')}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('pw_saving') : t('pw_save')}
        </button>
        {done && (
          <button type="button" class="link" onClick={() => navigate('/')}>
            {t('nav_home')}
          </button>
        )}
        {forced && (
          <button type="button" class="link" onClick={() => void logout()} data-testid="logout">
            {t('logout')}
          </button>
        )}
      </form>
    </section>
  );
}
