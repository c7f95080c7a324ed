// Homes of the roles whose screens come later (firm inbox, supervisor map, admin).
import { app, refreshCounts } from '../app-state';
import { logout } from '../data';
import type { Role } from '../db';
import { t, type Key } from '../i18n';
import { useStore } from '../store';

export function AccountBar() {
  const state = useStore(app);
  const user = state.session?.user;
  if (!user) return null;
  const signOut = async () => {
    await refreshCounts();
    const unsent = app.get().counts.waiting + app.get().counts.sending + app.get().counts.failed;
    if (unsent > 0 && !confirm(t('logout_unsent', { n: unsent }))) return;
    await logout();
  };
  return (
    <div class="account">
      <span>
        {user.display_name ? `${user.display_name} (${user.username})` : user.username} ·{' '}
        {t(`role_${user.role}` as Key)}
      </span>
      <span class="account-actions">
        <a class="link" href="/password" data-testid="change-password">
          {t('pw_link')}
        </a>
        <button type="button" class="link" onClick={signOut} data-testid="logout">
          {t('logout')}
        </button>
      </span>
    </div>
  );
}

const TEXT: Record<Role, Key> = {
  inspector: 'coming_admin',
  firm: 'coming_firm',
  supervisor: 'coming_supervisor',
  admin: 'coming_admin',
  committee: 'coming_admin',
  community: 'coming_admin',
};

export function ComingSoon({ role }: { role: Role }) {
  return (
    <section class="page" data-testid={`home-${role}`}>
      <AccountBar />
      <div class="card coming">
        <h2>{t(`role_${role}` as Key)}</h2>
        <p>{t(TEXT[role])}</p>
        {role !== 'firm' && (
          <p>
            <a href="/api/docs" target="_blank" rel="noopener">
              {t('api_docs')}
            </a>
          </p>
        )}
      </div>
    </section>
  );
}
