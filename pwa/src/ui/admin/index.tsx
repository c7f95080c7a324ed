// The admin console (管理) loads on demand: an inspector's phone never downloads it. This file is
// all the shell bundles of it; the console and each of its sections are their own chunks.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { describeLoadFailure } from '../../problem';

export interface AdminProps {
  /** The section's key in sections.ts ('' for the overview). */
  section: string;
  /** The object opened within the section (its id or code), if any. */
  item?: string;
}

let Console: ComponentType<AdminProps> | null = null;

export function Admin(props: AdminProps) {
  const [, setReady] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (Console) return;
    import('./console').then(
      (module) => {
        Console = module.default;
        setReady((n) => n + 1);
      },
      (e) => {
        console.warn('load', e);
        setError(describeLoadFailure());
      },
    );
  }, []);
  if (error) return <p class="boot error">{error}</p>;
  if (!Console) return <p class="boot">{t('loading')}</p>;
  return <Console {...props} />;
}
