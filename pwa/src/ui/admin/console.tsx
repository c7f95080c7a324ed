// The console's frame: the section list (a side column on a desk, a wrapping row on a phone) and
// the open section. Sections load on first use and stay loaded for the visit.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { app } from '../../app-state';
import { lang } from '../../i18n';
import { describeLoadFailure } from '../../problem';
import { useStore } from '../../store';
import type { AdminProps } from './index';
import { at } from './kit';
import { SECTIONS, type Section, type SectionProps } from './sections';
import './admin.css';

const loaded = new Map<string, ComponentType<SectionProps>>();

function label(section: Section): string {
  return section.label[lang() === 'zh' ? 0 : 1];
}

export default function AdminConsole({ section, item }: AdminProps) {
  const user = useStore(app).session?.user;
  const role = user?.role;
  const visible = SECTIONS.filter((s) => user && role && s.roles.includes(role) && (!s.when || s.when(user)));
  const open = visible.find((s) => s.key === section);
  return (
    <section class="admin" data-testid="admin">
      <h2>{at('title')}</h2>
      <nav class="admin-nav" data-testid="admin-nav" aria-label={at('title')}>
        {visible.map((s) => (
          <a
            key={s.key}
            href={`/admin/${s.key}`}
            class={s.key === section ? 'active' : ''}
            aria-current={s.key === section ? 'page' : undefined}
            data-testid={`admin-nav-${s.key}`}
          >
            {label(s)}
          </a>
        ))}
      </nav>
      <div class="admin-body">
        {open ? (
          <SectionView section={open} item={item} />
        ) : (
          <p class="admin-hint">{section ? at('no_such_section') : at('pick_section')}</p>
        )}
      </div>
    </section>
  );
}

function SectionView({ section, item }: { section: Section; item?: string }) {
  const [, setReady] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    if (loaded.has(section.key)) return;
    section.load().then(
      (module) => {
        loaded.set(section.key, module.default);
        setReady((n) => n + 1);
      },
      (e) => {
        console.warn('load', e);
        setError(describeLoadFailure());
      },
    );
  }, [section]);
  const Screen = loaded.get(section.key);
  if (error) return <p class="admin-error">{error}</p>;
  if (!Screen) return <p class="admin-hint">{at('loading')}</p>;
  return <Screen item={item} />;
}
