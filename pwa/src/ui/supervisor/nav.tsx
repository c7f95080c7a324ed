// The supervisor's own navigation: map, scorecards, coverage, owner evaluation, the admin console and the public disclosure page.
import { t } from '../../i18n';
import { ct } from './coverage-text';
import { ot } from './owners-text';
import { wt } from './watch-text';
import { kt } from '../kaoping/kaoping-text';

export function SupervisorNav({
  active,
}: {
  active: 'map' | 'scorecards' | 'coverage' | 'owners' | 'watchlist' | 'kaoping';
}) {
  return (
    <nav class="sv-nav">
      <a href="/" class={active === 'map' ? 'active' : ''} data-testid="sv-nav-map">{t('sv_map')}</a>
      <a href="/supervise/scorecards" class={active === 'scorecards' ? 'active' : ''} data-testid="sv-nav-scorecards">
        {t('sv_scorecards')}
      </a>
      <a href="/supervise/coverage" class={active === 'coverage' ? 'active' : ''} data-testid="sv-nav-coverage">
        {ct('nav')}
      </a>
      <a href="/supervise/owners" class={active === 'owners' ? 'active' : ''} data-testid="sv-nav-owners">
        {ot('nav')}
      </a>
      <a href="/supervise/watchlist" class={active === 'watchlist' ? 'active' : ''} data-testid="sv-nav-watchlist">
        {wt('nav')}
      </a>
      <a href="/supervise/kaoping" class={active === 'kaoping' ? 'active' : ''} data-testid="sv-nav-kaoping">{kt('nav')}</a>
      <a href="/admin" data-testid="sv-nav-admin">{t('sv_admin')}</a>
      <a href="/public/" target="_blank" rel="noopener">{t('sv_public_page')}</a>
    </nav>
  );
}
