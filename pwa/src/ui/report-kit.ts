// What every report screen shares: the period pickers' day format, rates as percentages, and the
// rows of a report URL fetched again whenever its arguments change.

import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import { describe } from '../problem';

/** YYYY-MM-DD of a moment on the phone's own calendar (the value of a date picker). */
export function isoDay(d: Date): string {
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

/** A fraction as a percentage with one decimal ("57.1%"); "—" when there is no figure. Rounded
 * half up (四舍五入) on the rate's decimal value, as the server's exports and public pages. */
export function percent(value: unknown): string {
  if (typeof value !== 'number') return '—';
  const tenths = Math.round(Number((value * 1000).toPrecision(12)));
  return `${(tenths / 10).toFixed(1)}%`;
}

/** The rows `url` answers, null while loading; an answer for an earlier url is dropped. */
export function useRows<T>(url: string): { rows: T[] | null; error: string | null } {
  const [rows, setRows] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    setRows(null);
    setError(null);
    getJson<T[]>(url).then(
      (r) => !gone && setRows(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [url]);
  return { rows, error };
}
