// Open311 接入密钥: the keys complaint channels (12345 hotline, 易安居 …) post with. A new key is
// shown once, to be copied and handed over; the server keeps only its hash. Revoking is final: a
// channel whose key may have leaked gets a new one.

import { useState } from 'preact/hooks';
import { formatTime, texts } from '../../i18n';
import { navigate } from '../../router';
import type { SectionProps } from './sections';
import { at, ConfirmButton, ErrorLine, Field, FormError, send, Table, useResource, useSubmit } from './kit';
import { type ApiKey, explained, type Explainer, type IssuedKey } from './people-data';
import './people.css';

const kt = texts({
  heading: ['Open311 接入密钥', 'Open311 keys'],
  intro: ['投诉渠道(如 12345 热线)用接入密钥通过 Open311 提交投诉。', 'Complaint channels (e.g. the 12345 hotline) file complaints over Open311 with a key.'],
  new_key: ['新建密钥', 'New key'],
  name: ['渠道名称', 'Channel name'],
  name_hint: ['例如:12345热线', 'e.g. 12345 hotline'],
  issue: ['生成密钥', 'Issue key'],
  created_at: ['创建时间', 'Created'],
  status: ['状态', 'Status'],
  revoked_on: ['已吊销({d})', 'Revoked ({d})'],
  shown_once: ['渠道「{n}」的密钥如下。它只显示这一次,系统只保存其摘要:请现在复制,安全地交给渠道方。', 'The key of {n} is below. It is shown this once and only its hash is kept: copy it now and hand it over safely.'],
  copy: ['复制密钥', 'Copy key'],
  copied: ['已复制', 'Copied'],
  copy_failed: ['无法自动复制,请选中密钥后手动复制。', 'Could not copy: select the key and copy it by hand.'],
  done: ['我已保存,关闭', 'Saved it, close'],
  revoke: ['吊销', 'Revoke'],
  revoke_question: ['吊销后该渠道提交的投诉将被拒绝,且不能恢复。确定吊销?', 'The channel’s posts are refused from now on, for good. Revoke?'],
  rename: ['改名', 'Rename'],
  back_to_list: ['返回密钥列表', 'Back to keys'],
  edit_heading: ['密钥:{n}', 'Key: {n}'],
  revoked_note: ['该密钥已吊销。如渠道仍需接入,请新建一个密钥。', 'This key is revoked. Issue a new key if the channel still needs one.'],
});

const MESSAGES: readonly Explainer[] = [[/^a channel name of 1 to 64 characters is required$/, '渠道名称须为 1–64 个字符']];

export default function Open311Section({ item }: SectionProps) {
  if (item && /^\d+$/.test(item)) return <KeyEdit id={Number(item)} />;
  return <KeyList />;
}

function status(key: ApiKey): string {
  return key.active ? at('active') : kt('revoked_on', { d: key.revoked_at ? formatTime(key.revoked_at) : '' });
}

function KeyList() {
  const keys = useResource<ApiKey[]>('/api/open311-keys');
  const form = explained(useSubmit(), MESSAGES);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    const answer = await form.run(() => send<IssuedKey>('POST', '/api/open311-keys', { name }));
    if (answer) {
      setIssued(answer);
      setName('');
      keys.reload();
    }
  }
  return (
    <div data-testid="admin-open311">
      <h3>{kt('heading')}</h3>
      <p class="admin-hint">{kt('intro')}</p>
      {issued && <IssuedKeyBox issued={issued} onClose={() => setIssued(null)} />}
      <form class="admin-form" onSubmit={submit} data-testid="key-form" noValidate>
        <h4>{kt('new_key')}</h4>
        <FormError form={form} />
        <Field label={kt('name')} name="name" form={form} hint={kt('name_hint')}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={64} autoComplete="off" />
        </Field>
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="key-save">
            {form.busy ? at('saving') : kt('issue')}
          </button>
        </div>
      </form>
      <ErrorLine text={keys.error} />
      {keys.loading && <p class="admin-hint">{at('loading')}</p>}
      {keys.data && keys.data.length === 0 && <p class="admin-hint">{at('none_yet')}</p>}
      {keys.data && keys.data.length > 0 && (
        <Table head={[kt('name'), kt('created_at'), kt('status')]} testid="key-table">
          {keys.data.map((key) => (
            <tr key={key.id} class={key.active ? '' : 'inactive'} data-testid={`key-row-${key.id}`}>
              <td>
                <a href={`/admin/open311/${key.id}`}>{key.name}</a>
              </td>
              <td>{formatTime(key.created_at)}</td>
              <td>{status(key)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

function IssuedKeyBox({ issued, onClose }: { issued: IssuedKey; onClose: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (plain http, or refused): the key stays selectable
    }
  }
  return (
    <div class="people-key" role="status" data-testid="key-issued">
      <p>{kt('shown_once', { n: issued.name })}</p>
      <code data-testid="key-value">{issued.key}</code>
      <div class="admin-actions">
        <button type="button" class="primary" onClick={copy} data-testid="key-copy">
          {copied ? kt('copied') : kt('copy')}
        </button>
        <button type="button" class="secondary" onClick={onClose} data-testid="key-close">
          {kt('done')}
        </button>
      </div>
      {copied === false && <p class="admin-error">{kt('copy_failed')}</p>}
    </div>
  );
}

function KeyEdit({ id }: { id: number }) {
  const keys = useResource<ApiKey[]>('/api/open311-keys');
  const key = keys.data?.find((k) => k.id === id);
  if (keys.error) return <ErrorLine text={keys.error} />;
  if (!keys.data) return <p class="admin-hint">{at('loading')}</p>;
  if (!key) return <p class="admin-hint">{at('no_such_section')}</p>;
  return <KeyEditor key={`${key.id}-${key.active}`} apiKey={key} reload={keys.reload} />;
}

function KeyEditor({ apiKey, reload }: { apiKey: ApiKey; reload: () => void }) {
  const form = explained(useSubmit(), MESSAGES);
  const revoking = explained(useSubmit(), MESSAGES);
  const [name, setName] = useState(apiKey.name);
  const [saved, setSaved] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setSaved(false);
    const done = await form.run(() => send<ApiKey>('PATCH', `/api/open311-keys/${apiKey.id}`, { name }));
    if (done) {
      setSaved(true);
      reload();
    }
  }
  async function revoke() {
    const done = await revoking.run(() => send<ApiKey>('POST', `/api/open311-keys/${apiKey.id}/revoke`));
    if (done) navigate('/admin/open311');
  }
  return (
    <div data-testid="admin-key-edit">
      <a class="link" href="/admin/open311">
        {kt('back_to_list')}
      </a>
      <h3>{kt('edit_heading', { n: apiKey.name })}</h3>
      <p class="admin-hint">
        {kt('created_at')}: {formatTime(apiKey.created_at)} · {status(apiKey)}
      </p>
      <form class="admin-form" onSubmit={submit} data-testid="key-form" noValidate>
        <FormError form={form} />
        <Field label={kt('name')} name="name" form={form}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={64} autoComplete="off" />
        </Field>
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="key-save">
            {form.busy ? at('saving') : kt('rename')}
          </button>
          {saved && (
            <span class="people-done" role="status" data-testid="key-saved">
              {at('saved')}
            </span>
          )}
        </div>
      </form>
      <section class="people-panel" data-testid="key-status">
        <ErrorLine text={revoking.error} />
        {apiKey.active ? (
          <ConfirmButton label={kt('revoke')} question={kt('revoke_question')} onConfirm={revoke} testid="key-revoke" />
        ) : (
          <p class="admin-hint">{kt('revoked_note')}</p>
        )}
      </section>
    </div>
  );
}
