// What every admin section is made of: the console's own words, loading a list, a form whose
// refusals land beside the field the server named, and a confirm step for what cannot be undone.
// A section holds only its fields and calls; the behaviour on errors is the same everywhere.

import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, request } from '../../api';
import { texts } from '../../i18n';
import { describe } from '../../problem';

export const at = texts({
  title: ['管理', 'Administration'],
  pick_section: ['请选择左侧的管理项目。', 'Pick what to manage.'],
  no_such_section: ['没有这个管理项目,或您无权管理。', 'No such section, or not yours to manage.'],
  loading: ['正在加载…', 'Loading…'],
  save: ['保存', 'Save'],
  saving: ['正在保存…', 'Saving…'],
  saved: ['已保存', 'Saved'],
  cancel: ['取消', 'Cancel'],
  create: ['新建', 'Create'],
  edit: ['编辑', 'Edit'],
  close: ['关闭', 'Close'],
  deactivate: ['停用', 'Deactivate'],
  activate: ['启用', 'Activate'],
  active: ['启用中', 'Active'],
  inactive: ['已停用', 'Inactive'],
  show_inactive: ['显示已停用的', 'Show inactive'],
  none_yet: ['暂无记录。', 'Nothing yet.'],
  confirm: ['确定', 'Confirm'],
  fix_fields: ['请修改标出的内容后重试。', 'Correct the marked fields and try again.'],
  search: ['搜索', 'Search'],
  choose_file: ['选择文件…', 'Choose a file…'],
  no_file: ['未选择文件', 'No file chosen'],
});

/** A list or object from the API, with its loading state and a way to load it again. */
export function useResource<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setError(null);
    getJson<T>(path).then(
      (value) => live && setData(value),
      (e) => live && setError(describe(e)),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  const reload = useCallback(() => setVersion((n) => n + 1), []);
  return { data, error, reload, loading: data === null && error === null };
}

export interface Submission {
  busy: boolean;
  /** The sentence for the whole form (the server's message, or what went wrong on the way). */
  error: string | null;
  /** The server's messages by field name (422 `errors`). */
  fields: Record<string, string>;
  run: <T>(work: () => Promise<T>) => Promise<T | null>;
  clear: () => void;
}

function fieldMessages(errors: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!errors || typeof errors !== 'object') return out;
  for (const [field, value] of Object.entries(errors as Record<string, unknown>)) {
    out[field] = Array.isArray(value) ? value.map(String).join(' ') : JSON.stringify(value);
  }
  return out;
}

/** Runs a save; a refusal becomes the form's message and per-field messages, never a throw. */
export function useSubmit(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      return await work();
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) {
        const byField = fieldMessages(e.errors);
        setFields(byField);
        setError(e.message || at('fix_fields'));
      } else {
        setError(describe(e));
      }
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(null);
    setFields({});
  }, []);
  return { busy, error, fields, run, clear };
}

/** JSON to the API; answers the decoded body (or null for 204). */
export async function send<T>(method: string, path: string, json?: unknown): Promise<T> {
  const response = await request(path, { method, json });
  return response.status === 204 ? (null as T) : ((await response.json()) as T);
}

interface FieldProps {
  label: string;
  name: string;
  form: Submission;
  children: ComponentChildren;
  hint?: string;
}

/** A labelled control with the server's message for it underneath. */
export function Field({ label, name, form, children, hint }: FieldProps) {
  const message = form.fields[name];
  return (
    <label class={`admin-field ${message ? 'invalid' : ''}`} data-field={name}>
      <span>{label}</span>
      {children}
      {hint && !message && <small class="admin-hint">{hint}</small>}
      {message && (
        <small class="admin-field-error" role="alert" data-testid={`error-${name}`}>
          {message}
        </small>
      )}
    </label>
  );
}

/** The form's own message (top of the form), announced to screen readers. */
export function FormError({ form }: { form: Submission }) {
  if (!form.error) return null;
  return (
    <p class="admin-error" role="alert" data-testid="admin-form-error">
      {form.error}
    </p>
  );
}

export function ErrorLine({ text }: { text: string | null }) {
  return text ? (
    <p class="admin-error" role="alert">
      {text}
    </p>
  ) : null;
}

/** A button that asks once more (in place) before doing something hard to undo. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  testid,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  testid?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="secondary" data-testid={testid} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="admin-confirm" role="group">
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        data-testid={testid ? `${testid}-confirm` : undefined}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {at('confirm')}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {at('cancel')}
      </button>
    </span>
  );
}

/** A table of rows with a caption; a row's first cell usually links to /admin/<section>/<id>. */
export function Table({
  head,
  children,
  testid,
  label,
}: {
  head: string[];
  children: ComponentChildren;
  testid?: string;
  /** What the table lists (its scrolling region is announced and reachable by keyboard). */
  label?: string;
}) {
  return (
    // A wide table scrolls sideways on a phone: the region takes focus so keys can scroll it.
    <div class="admin-table-wrap" tabIndex={0} role="region" aria-label={label ?? head.join(' · ')}>
      <table class="admin-table" data-testid={testid}>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Controlled form state: `bind('name')` gives value and onInput for an input or select. */
export function useForm<T extends Record<string, string | boolean>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const bind = (name: keyof T & string) => ({
    name,
    value: String(values[name] ?? ''),
    onInput: (e: Event) => setValues((v) => ({ ...v, [name]: (e.currentTarget as Control).value })),
  });
  const check = (name: keyof T & string) => ({
    name,
    checked: Boolean(values[name]),
    onChange: (e: Event) => setValues((v) => ({ ...v, [name]: (e.currentTarget as HTMLInputElement).checked })),
  });
  return { values, setValues, bind, check };
}

/** A file picker in the app's language (the browser's own control speaks the browser's): a
 *  button-styled label over a hidden input, and the chosen file's name beside it. */
export function FileButton({
  accept,
  name,
  testid,
  fileName,
  onInput,
  inputProps = {},
}: {
  accept: string;
  name: string;
  testid: string;
  fileName: string | null;
  onInput: (input: HTMLInputElement) => void;
  inputProps?: Record<string, string | undefined>;
}) {
  return (
    <div class="admin-file-row">
      <label class="button secondary admin-file">
        {at('choose_file')}
        <input
          type="file"
          name={name}
          accept={accept}
          data-testid={testid}
          {...inputProps}
          onChange={(e) => onInput(e.currentTarget)}
        />
      </label>
      <span data-testid={`${testid}-name`}>{fileName ?? at('no_file')}</span>
    </div>
  );
}

interface ToolbarProps {
  /** What the list's items are called in test ids (`<what>-new`, `<what>-search`, …). */
  what: string;
  newHref: string;
  newLabel: string;
  filterLabel: string;
  allLabel: string;
  filter: string;
  onFilter: (value: string) => void;
  options: readonly (readonly [string, string])[];
  showInactive: boolean;
  onShowInactive: (show: boolean) => void;
  searchLabel: string;
  search: string;
  onSearch: (text: string) => void;
}

/** A list screen's bar: create, one kind filter, show inactive, and a search box. */
export function ListToolbar(p: ToolbarProps) {
  return (
    <div class="admin-toolbar admin-list-toolbar">
      <a class="button primary" href={p.newHref} data-testid={`${p.what}-new`}>
        {p.newLabel}
      </a>
      <label class="admin-inline">
        <span>{p.filterLabel}</span>
        <select value={p.filter} onChange={(e) => p.onFilter(e.currentTarget.value)} data-testid={`${p.what}-filter`}>
          <option value="">{p.allLabel}</option>
          {p.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label class="admin-check">
        <input
          type="checkbox"
          checked={p.showInactive}
          onChange={(e) => p.onShowInactive(e.currentTarget.checked)}
          data-testid={`${p.what}-show-inactive`}
        />
        <span>{at('show_inactive')}</span>
      </label>
      <label class="admin-inline">
        <span class="admin-sr">{p.searchLabel}</span>
        <input
          type="search"
          value={p.search}
          placeholder={p.searchLabel}
          onInput={(e) => p.onSearch(e.currentTarget.value)}
          data-testid={`${p.what}-search`}
        />
      </label>
    </div>
  );
}

/** Under a list's bar: its error, "loading", or "nothing yet". */
export function ListState({ error, loading, empty }: { error: string | null; loading: boolean; empty: boolean }) {
  return (
    <>
      <ErrorLine text={error} />
      {loading && <p class="admin-hint">{at('loading')}</p>}
      {empty && <p class="admin-hint">{at('none_yet')}</p>}
    </>
  );
}
