// 催办 on a ticket: supervisors urge the responsible unit with a note; the unit's users see the
// urges and acknowledge them. The server tells the unit at once (backend/notifications/urges.py).

import { useEffect, useState } from 'preact/hooks';
import { getJson, request } from '../api';
import { formatTime } from '../i18n';
import { describe } from '../problem';
import { nt } from './notices-text';

interface Urge {
  id: number;
  note: string;
  urged_at: string;
  acknowledged_at: string | null;
}

export function Urges({ ticketId, canUrge, canAcknowledge }: { ticketId: number; canUrge: boolean; canAcknowledge: boolean }) {
  const [urges, setUrges] = useState<Urge[]>([]);
  const [writing, setWriting] = useState(false);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const load = () => getJson<Urge[]>(`/api/tickets/${ticketId}/urges`).then(setUrges, () => undefined);
  useEffect(() => void load(), [ticketId]);

  const send = async (path: string, json?: unknown) => {
    setBusy(true);
    try {
      await request(path, { method: 'POST', json });
      setWriting(false);
      setNote('');
      setMessage('');
      await load();
    } catch (e) {
      setMessage(describe(e));
    } finally {
      setBusy(false);
    }
  };
  const pending = urges.filter((u) => !u.acknowledged_at);
  if (!urges.length && !canUrge) return null;
  return (
    <div class="urges" data-testid="urges">
      {urges.map((u) => (
        <p key={u.id} class={`banner ${u.acknowledged_at ? 'info' : 'warn'}`} data-testid="urge">
          <b>{nt('urge_label')}</b> {u.note}{' '}
          <span class="small muted">
            {formatTime(u.urged_at)} · {u.acknowledged_at ? nt('urge_acked', { t: formatTime(u.acknowledged_at) }) : nt('urge_pending')}
          </span>
        </p>
      ))}
      {canAcknowledge && pending.length > 0 && (
        <button type="button" class="primary" disabled={busy} onClick={() => void send(`/api/tickets/${ticketId}/urges/ack`)} data-testid="urge-ack">
          {nt('urge_ack')}
        </button>
      )}
      {canUrge && !writing && (
        <button type="button" onClick={() => setWriting(true)} data-testid="urge-start">
          {nt('urge')}
        </button>
      )}
      {canUrge && writing && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send(`/api/tickets/${ticketId}/urge`, { note: note.trim() });
          }}
        >
          <label>
            {nt('urge_note')}
            <textarea value={note} maxLength={500} required onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} data-testid="urge-note" />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={busy || !note.trim()} data-testid="urge-send">{nt('urge_send')}</button>
            <button type="button" onClick={() => setWriting(false)}>{nt('urge_cancel')}</button>
          </div>
        </form>
      )}
      {message && <p class="error">{message}</p>}
    </div>
  );
}
