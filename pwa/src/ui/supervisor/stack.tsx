// Tickets at one spot on the supervisor's map (several findings at one gate): the list a tap on
// their pins or their cluster opens, each row a 44 px button that opens the ticket.

import { t, word } from '../../i18n';

/** A pin's properties as /api/map/tickets sends them. */
export interface Pin {
  id: number;
  code?: string; // servers before the stack list send none
  title: string;
  severity: string;
  state: string;
  overdue: boolean;
  due_at: string;
}

export interface Stack {
  pins: Pin[];
  tooMany: boolean;
}

export function asPin(props: Record<string, unknown>): Pin {
  return {
    id: Number(props.id),
    code: props.code === undefined ? undefined : String(props.code),
    title: String(props.title ?? ''),
    severity: String(props.severity ?? ''),
    state: String(props.state ?? ''),
    overdue: props.overdue === true || props.overdue === 'true',
    due_at: String(props.due_at ?? ''),
  };
}

/** Distinct pins, overdue first, then by deadline. */
export function ordered(pins: Pin[]): Pin[] {
  const byId = new Map(pins.map((p) => [p.id, p]));
  return [...byId.values()].sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || a.due_at.localeCompare(b.due_at) || a.id - b.id,
  );
}

export function StackList({ stack, selected, onPick, onClose }: {
  stack: Stack; selected: number | null; onPick: (id: number) => void; onClose: () => void;
}) {
  return (
    <div class="sv-stack" role="dialog" aria-label={t('sv_here_tickets', { n: stack.pins.length })} data-testid="sv-stack"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="sv-stack-head">
        <strong data-testid="sv-stack-count">{t('sv_here_tickets', { n: stack.pins.length })}</strong>
        <button type="button" class="sv-stack-close" aria-label={t('sv_here_close')} title={t('sv_here_close')}
          onClick={onClose} data-testid="sv-stack-close">×</button>
      </div>
      {stack.tooMany && <p class="small error">{t('sv_here_too_many')}</p>}
      <ul>
        {stack.pins.map((p) => (
          <li key={p.id}>
            <button type="button" class="sv-stack-row" data-testid="sv-stack-row" data-id={p.id}
              aria-current={selected === p.id ? 'true' : undefined} onClick={() => onPick(p.id)}>
              <span class={`sev-dot sev-${p.severity}`} />
              <span class="sv-row-main">
                <strong>{p.title}</strong>
                <span class="muted small">{p.code ? `${p.code} · ` : ''}{word('state_', p.state)}</span>
              </span>
              {p.overdue && <span class="tag bad small">{t('sv_overdue')}</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
