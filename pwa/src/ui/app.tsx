// The shell: top bar, banners, role-based home, routes, and the "sign in again" dialog.
// A new role's home is one entry in ROLE_HOMES; its screens are routes below.

import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { app, kickQueue } from '../app-state';
import type { Role } from '../db';
import { lang, onLangChange, setLang, t } from '../i18n';
import { match, navigate, onLinkClick, route } from '../router';
import { useStore } from '../store';
import { Admin } from './admin';
import { EstateScreen, EstatesScreen } from './estates';
import { FirmHome } from './firm';
import { InspectScreen } from './inspect';
import { AssessScreen } from './kaoping/assess';
import { LoginScreen, useSignIn } from './login';
import { MyScorecard } from './my-scorecard';
import { NoticeBell, NoticesScreen } from './notices';
import { PasswordScreen } from './password';
import { ComingSoon } from './placeholder';
import { ReinspectScreen } from './reinspect';
import { Supervisor } from './supervisor';
import { SyncScreen } from './sync';
import { TicketScreen } from './ticket';

const ROLE_HOMES: Record<Role, () => JSX.Element> = {
  inspector: () => <EstatesScreen />,
  firm: () => <FirmHome />,
  supervisor: () => <Supervisor view="map" />,
  admin: () => <Supervisor view="map" />,
  committee: () => <AssessScreen />,
  community: () => <AssessScreen />,
};

// Who fills 考评 forms: committee members, community staff and street supervisors.
const ASSESSES = new Set<Role>(['committee', 'community', 'supervisor']);

const SUPERVISES = new Set<Role>(['supervisor', 'admin']);

function useLang(): void {
  const [, force] = useState(0);
  useEffect(() => onLangChange(() => force((n) => n + 1)), []);
}

export function App() {
  useLang();
  const state = useStore(app);
  const { path } = useStore(route);
  const session = state.session;

  if (!state.ready) return <p class="boot">{t('loading')}</p>;
  if (!session) {
    return (
      <Shell>
        {path !== '/login' && <Redirect to="/login" />}
        <LoginScreen />
      </Shell>
    );
  }

  let screen: JSX.Element;
  let params: Record<string, string> | null;
  const role = session.user.role;
  if (session.user.must_change_password && !session.expired) {
    // An administrator reset the password: nothing else works until the user picks their own.
    screen = <PasswordScreen />;
  } else if (path === '/password') {
    screen = <PasswordScreen />;
  } else if ((params = match('/estate/:id', path)) && role === 'inspector') {
    screen = <EstateScreen id={Number(params.id)} />;
  } else if ((params = match('/inspect/:id', path)) && role === 'inspector') {
    screen = <InspectScreen id={params.id} view="item" />;
  } else if ((params = match('/inspect/:id/overview', path)) && role === 'inspector') {
    screen = <InspectScreen id={params.id} view="overview" />;
  } else if ((params = match('/inspect/:id/review', path)) && role === 'inspector') {
    screen = <InspectScreen id={params.id} view="review" />;
  } else if ((params = match('/ticket/:id', path)) && (role === 'firm' || role === 'inspector')) {
    screen = <TicketScreen id={Number(params.id)} />;
  } else if (path === '/my-scorecard' && role === 'inspector') {
    screen = <MyScorecard />;
  } else if (path === '/reinspect' && role === 'inspector') {
    screen = <ReinspectScreen />;
  } else if ((params = match('/supervise/tickets/:id', path)) && SUPERVISES.has(role)) {
    screen = <Supervisor view="map" ticketId={Number(params.id)} />;
  } else if (path === '/supervise/scorecards' && SUPERVISES.has(role)) {
    screen = <Supervisor view="scorecards" />;
  } else if (path === '/supervise/coverage' && SUPERVISES.has(role)) {
    screen = <Supervisor view="coverage" />;
  } else if (path === '/supervise/owners' && SUPERVISES.has(role)) {
    screen = <Supervisor view="owners" />;
  } else if (path === '/supervise/watchlist' && SUPERVISES.has(role)) {
    screen = <Supervisor view="watchlist" />;
  } else if (path === '/supervise/kaoping' && SUPERVISES.has(role)) {
    screen = <Supervisor view="kaoping" />;
  } else if (path === '/assess' && ASSESSES.has(role)) {
    screen = <AssessScreen />;
  } else if ((params = match('/assess/:id', path)) && ASSESSES.has(role)) {
    screen = <AssessScreen estateId={Number(params.id)} />;
  } else if ((params = match('/admin', path) ?? match('/admin/:section', path)) && SUPERVISES.has(role)) {
    screen = <Admin section={params.section ?? ''} />;
  } else if ((params = match('/admin/:section/:item', path)) && SUPERVISES.has(role)) {
    screen = <Admin section={params.section} item={params.item} />;
  } else if (path === '/sync') {
    screen = <SyncScreen />;
  } else if (path === '/notifications') {
    screen = <NoticesScreen />;
  } else if (path !== '/') {
    screen = <Redirect to="/" />;
  } else {
    screen = ROLE_HOMES[role]?.() ?? <ComingSoon role={role} />;
  }
  return (
    <Shell>
      {screen}
      {session.expired && <ReLogin />}
    </Shell>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}


function Shell({ children }: { children: ComponentChildren }) {
  const state = useStore(app);
  const { path } = useStore(route);
  const unsent = state.counts.waiting + state.counts.sending + state.counts.failed;
  const inspector = state.session?.user.role === 'inspector';
  return (
    <div class="shell" onClick={onLinkClick}>
      <header class="topbar">
        <a class="brand" href="/">
          <img src="/icons/icon-192.png" alt="" width="28" height="28" />
          <span>{t('app_name')}</span>
        </a>
        <NetBadge />
        {/* Every role is told something: ticket and task work, or (assessors) 考评待填写. */}
        {state.session && !state.session.expired && !state.session.user.must_change_password && <NoticeBell />}
        {state.session && unsent > 0 && (
          <a class={`badge ${state.counts.failed ? 'bad' : ''}`} href="/sync" data-testid="sync-badge">
            {t('sync_badge', { n: unsent })}
          </a>
        )}
        <button
          type="button"
          class="lang"
          data-testid="lang"
          title={t('lang_switch')}
          onClick={() => setLang(lang() === 'zh' ? 'en' : 'zh')}
        >
          {/* Short, so the app's name still fits a 360 px top bar beside the bell. */}
          {t('lang_switch_short')}
        </button>
      </header>
      {!state.online && <div class="banner warn">{t('offline_banner')}</div>}
      {state.online && state.server !== 'ok' && (
        <div class="banner warn" data-testid="server-banner">
          {state.server === 'error' ? t('server_error_banner') : t('server_banner')}
        </div>
      )}
      {state.updateReady && (
        <div class="banner info">
          {t('update_ready')}{' '}
          <button type="button" class="small" onClick={() => state.updateReady?.()}>
            {t('update_now')}
          </button>
        </div>
      )}
      <main>{children}</main>
      {inspector && !state.session?.expired && !state.session?.user.must_change_password && (
        <nav class="bottomnav three">
          <a href="/" class={path === '/' || path.startsWith('/estate') ? 'active' : ''}>
            {t('nav_estates')}
          </a>
          <a
            href="/reinspect"
            class={path === '/reinspect' || path.startsWith('/ticket') ? 'active' : ''}
            data-testid="nav-reinspect"
          >
            {t('nav_reinspect')}
          </a>
          <a href="/sync" class={path === '/sync' ? 'active' : ''} data-testid="nav-sync">
            {t('nav_sync')}
            {unsent > 0 && <span class="dot">{unsent}</span>}
          </a>
        </nav>
      )}
    </div>
  );
}

/** Offline, online, or online with the server in trouble: never "online" while nothing answers. */
function NetBadge() {
  const { online, server } = useStore(app);
  const [cls, text] = !online
    ? ['off', t('offline')]
    : server === 'ok'
      ? ['on', t('online')]
      : ['off', server === 'error' ? t('server_error') : t('server_unreachable')];
  return (
    <span class={`net ${cls}`} data-testid="net" data-server={server}>
      {text}
    </span>
  );
}

/** The token expired: everything stays on the phone; sign in again and carry on where you were. */
function ReLogin() {
  const session = useStore(app).session!;
  const [password, setPassword] = useState('');
  const { error, busy, signIn } = useSignIn(() => void kickQueue(true));
  const submit = (event: Event) => signIn(event, session.user.username, password);
  return (
    <div class="modal" role="dialog" aria-modal="true" data-testid="relogin">
      <form class="card" onSubmit={submit}>
        <h2>{t('login_title')}</h2>
        <p class="hint">{t('session_expired')}</p>
        <label>
          {t('username')}
          <input value={session.user.username} disabled />
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            required
          />
        </label>
        {error && <p class="error">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signing_in') : t('sign_in')}
        </button>
      </form>
    </div>
  );
}
