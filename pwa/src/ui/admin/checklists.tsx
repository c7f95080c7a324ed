// 检查表: the checklists and their versions, uploading a YAML file (checked first, with the
// problems by line, then saved as a draft) and activating a version. Admin only, as the API is.

import { useState } from 'preact/hooks';
import type { components } from '../../api-types';
import { formatTime, lang } from '../../i18n';
import { navigate } from '../../router';
import type { Sent } from '../../tickets';
import { ct } from './checklists-text';
import { ConfirmButton, ErrorLine, FormError, Table, at, send, useResource, useSubmit } from './kit';
import type { SectionProps } from './sections';
import './rules.css';

type Schemas = components['schemas'];
type Version = Sent<Schemas['VersionSummary']>;
type Status = Version['status'];
type Checklist = Omit<Sent<Schemas['Checklist']>, 'versions'> & { versions: Version[] };
type Problem = Sent<Schemas['Problem']>;
type Check = Omit<Sent<Schemas['UploadCheck']>, 'problems' | 'same_as'> & { problems: Problem[]; same_as: Version | null };
type Saved = Omit<Sent<Schemas['UploadResult']>, 'version'> & { version: Version };

const MAX_BYTES = 1_000_000;

function title(c: { title_zh: string | null; title_en: string | null }): string {
  return (lang() === 'en' ? c.title_en || c.title_zh : c.title_zh) ?? '';
}

function StatusTag({ status }: { status: Status }) {
  return <span class={`admin-status ${status}`}>{ct(`status_${status}`)}</span>;
}

export default function Checklists({ item }: SectionProps) {
  const list = useResource<Checklist[]>('/api/checklists');
  return (
    <div class="admin-rules" data-testid="admin-checklists">
      <h3>{ct('heading')}</h3>
      <ErrorLine text={list.error} />
      {item ? (
        <VersionList id={Number(item)} onChange={list.reload} />
      ) : (
        <>
          <p class="admin-hint">{ct('intro')}</p>
          {list.loading && <p class="admin-hint">{at('loading')}</p>}
          {list.data && <Overview checklists={list.data} />}
        </>
      )}
      <Upload onSaved={list.reload} />
    </div>
  );
}

function Overview({ checklists }: { checklists: Checklist[] }) {
  if (checklists.length === 0) return <p class="admin-hint">{at('none_yet')}</p>;
  const head = [ct('col_title'), ct('col_code'), ct('col_active'), ct('col_activated'), ct('col_versions')];
  return (
    <Table head={head} testid="checklist-table">
      {checklists.map((c) => {
        const active = c.versions.find((v) => v.status === 'active');
        return (
          <tr key={c.id} data-code={c.code}>
            <td>
              <a href={`/admin/checklists/${c.id}`}>{title(c)}</a>
            </td>
            <td>{c.code}</td>
            <td>{active ? ct('version_n', { n: active.number }) : ct('none_active')}</td>
            <td>{active?.activated_at ? formatTime(active.activated_at) : '—'}</td>
            <td>{c.versions.length}</td>
          </tr>
        );
      })}
    </Table>
  );
}

function VersionList({ id, onChange }: { id: number; onChange: () => void }) {
  const checklist = useResource<Checklist>(`/api/checklists/${id}`);
  const form = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  const activate = async (v: Version) => {
    setDone(null);
    const ok = await form.run(() => send<Version>('POST', `/api/checklists/${id}/versions/${v.id}/activate`));
    if (ok) {
      setDone(ct('activated', { n: ok.number }));
      checklist.reload();
      onChange();
    }
  };
  const c = checklist.data;
  const head = [ct('col_version'), ct('col_status'), ct('col_items'), ct('col_imported'), ct('col_activated'), ct('col_source'), ct('col_actions')];
  return (
    <section aria-labelledby="versions-heading">
      <a class="admin-back" href="/admin/checklists">
        ← {ct('back')}
      </a>
      <ErrorLine text={checklist.error} />
      {c && (
        <>
          <h4 id="versions-heading">
            {ct('versions_of', { title: title(c) })} <small class="admin-hint">{c.code}</small>
          </h4>
          <FormError form={form} />
          {done && (
            <p class="admin-ok" role="status" data-testid="checklist-activated">
              {done}
            </p>
          )}
          <Table head={head} testid="version-table">
            {[...c.versions].reverse().map((v) => (
              <tr key={v.id} data-version={v.number} data-status={v.status}>
                <td>{ct('version_n', { n: v.number })}</td>
                <td>
                  <StatusTag status={v.status} />
                </td>
                <td>{v.item_count}</td>
                <td>{formatTime(v.imported_at)}</td>
                <td>{v.activated_at ? formatTime(v.activated_at) : '—'}</td>
                <td>{v.source ?? '—'}</td>
                <td>
                  {v.status !== 'active' && (
                    <ConfirmButton
                      label={at('activate')}
                      question={ct('activate_q')}
                      testid={`activate-${v.number}`}
                      onConfirm={() => void activate(v)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

function Upload({ onSaved }: { onSaved: () => void }) {
  const form = useSubmit();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [local, setLocal] = useState<string | null>(null);

  const pick = async (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    setCheck(null);
    setSaved(null);
    setLocal(null);
    setFile(null);
    form.clear();
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) return setLocal(ct('too_big'));
    let text: string;
    try {
      text = await chosen.text();
    } catch {
      return setLocal(ct('unreadable'));
    }
    setFile({ name: chosen.name, text });
    const result = await form.run(() => send<Check>('POST', '/api/checklists/validate', { yaml: text, filename: chosen.name }));
    if (result) setCheck(result);
  };

  const save = async () => {
    if (!file) return;
    const result = await form.run(() => send<Saved>('POST', '/api/checklists/versions', { yaml: file.text, filename: file.name }));
    if (result) {
      setSaved(result);
      setCheck(null);
      onSaved();
    }
  };

  const openVersions = (checklistId: number) => {
    setSaved(null);
    setFile(null);
    navigate(`/admin/checklists/${checklistId}`);
  };

  const problems = check && !check.valid ? check.problems : [];
  const invalid = problems.length > 0 || Boolean(local) || Boolean(form.fields.yaml);
  return (
    <form class="admin-form" data-testid="checklist-upload" onSubmit={(e) => (e.preventDefault(), void save())}>
      <h4>{ct('upload_heading')}</h4>
      <FormError form={form} />
      {/* The browser's own file control speaks the browser's language; this one speaks ours. */}
      <div class={`admin-field ${invalid ? 'invalid' : ''}`} data-field="yaml">
        <span id="checklist-file-label">{ct('file')}</span>
        <div class="admin-file-row">
          <label class="button secondary admin-file">
            {ct('choose_file')}
            <input
              type="file"
              name="yaml"
              accept=".yaml,.yml,text/yaml,application/yaml"
              aria-labelledby="checklist-file-label"
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={problems.length ? 'checklist-problems' : 'checklist-file-hint'}
              data-testid="checklist-file"
              onChange={(e) => void pick(e.currentTarget)}
            />
          </label>
          <span data-testid="checklist-filename">{file?.name ?? ct('no_file')}</span>
        </div>
        {form.fields.yaml ? (
          <small class="admin-field-error" role="alert" data-testid="error-yaml">
            {form.fields.yaml}
          </small>
        ) : (
          <small class="admin-hint" id="checklist-file-hint">
            {ct('file_hint')}
          </small>
        )}
      </div>
      {form.busy && <p class="admin-hint">{ct('checking')}</p>}
      {local && (
        <p class="admin-field-error" role="alert">
          {local}
        </p>
      )}
      {problems.length > 0 && (
        <div id="checklist-problems" data-testid="checklist-problems" role="alert">
          <p class="admin-field-error">{ct('problems', { n: problems.length })}</p>
          <ol class="admin-problems">
            {problems.map((p, i) => (
              <li key={i} data-line={p.line ?? ''}>
                <span class="where">{p.line ? ct('line', { n: p.line }) : ct('no_line')}</span>
                {p.path && <code>{p.path}</code>}
                <span>{p.message}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {check?.valid && (
        <div data-testid="checklist-valid" role="status">
          <p class="admin-ok">
            {ct('valid', { code: check.code ?? '', title: title(check), areas: check.area_count ?? 0, items: check.item_count ?? 0 })}
            {check.checklist_id === null && ` ${ct('new_checklist')}`}
          </p>
          {check.same_as ? (
            <p class="admin-hint">{ct('same_as', { n: check.same_as.number, s: ct(`status_${check.same_as.status}`) })}</p>
          ) : (
            <div class="admin-actions">
              <button type="submit" class="primary" disabled={form.busy} data-testid="checklist-save">
                {form.busy ? at('saving') : ct('save_draft')}
              </button>
            </div>
          )}
        </div>
      )}
      {saved && (
        <div role="status" data-testid="checklist-saved">
          <p class="admin-ok">{ct('saved_draft', { code: saved.code, n: saved.version.number })}</p>
          <div class="admin-actions">
            <button type="button" class="secondary" onClick={() => openVersions(saved.version.checklist_id)}>
              {ct('open_versions')}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
