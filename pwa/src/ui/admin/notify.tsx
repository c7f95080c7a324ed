// 通知 (the notifier's health): the dead letters (deliveries given up, with the reason) and the
// users no notice reaches outside the app (they learn nothing until they open it), with why.
// Cards rather than a wide table: read at 360 px without sideways scrolling. Names and reasons
// come from users and gateways: control characters are shown as visible symbols, long words wrap.

import { useState } from 'preact/hooks';
import { formatTime, t, texts, type Key } from '../../i18n';
import { ListState, useResource } from './kit';
import './notify.css';

const nt = texts({
  heading: ['通知', 'Notifications'],
  dead_heading: ['投递失败(死信)', 'Dead letters'],
  dead_intro: ['已放弃投递的通知(重试次数用尽,或被渠道拒绝),最近的在前,最多显示 100 条。', 'Notices given up (retries used up, or refused by the channel), newest first, at most 100.'],
  channel_filter: ['渠道', 'Channel'],
  all_channels: ['全部渠道', 'All channels'],
  ch_inapp: ['应用内', 'In-app'],
  ch_sms: ['短信', 'SMS'],
  ch_push: ['网页推送', 'Web Push'],
  ch_wechat: ['微信', 'WeChat'],
  ch_other: ['其他渠道', 'Other channel'],
  recipient: ['收件人', 'Recipient'],
  ticket: ['工单', 'Ticket'],
  no_ticket: ['(无工单)', '(no ticket)'],
  attempts: ['尝试 {n} 次', '{n} attempts'],
  reason: ['原因(渠道返回)', 'Reason (from the channel)'],
  no_reason: ['(未记录)', '(not recorded)'],
  unreachable_heading: ['仅能在应用内收到通知的用户', 'Users only the app reaches'],
  unreachable_intro: ['这些启用中的账号收不到短信或推送,只有打开应用才会看到通知。', 'These active accounts get no SMS or push: they see notices only when they open the app.'],
  all_reachable: ['所有启用中的账号都能在应用外收到通知。', 'Every active account is reached outside the app.'],
  r_sms_not_configured: ['系统未配置短信网关', 'No SMS gateway is configured'],
  r_no_phone: ['未填写手机号', 'No mobile number set'],
  r_push_not_configured: ['系统未配置网页推送', 'Web Push is not configured'],
  r_no_push_subscription: ['未在任何浏览器开启推送', 'Push not switched on in any browser'],
  r_sms_off: ['用户已关闭短信通知', 'The user switched SMS off'],
  r_push_off: ['用户已关闭推送通知', 'The user switched push off'],
  r_wechat_off: ['用户已关闭微信通知', 'The user switched WeChat off'],
  r_other: ['其他原因', 'Other reason'],
});

interface DeadLetter {
  id: number;
  channel: string;
  topic: string;
  user_id: number;
  recipient: string;
  ticket_id: number | null;
  ticket_code: string | null;
  attempts: number;
  last_error: string;
  created_at: string;
}

interface Unreachable {
  id: number;
  username: string;
  display_name: string;
  role: string;
  organisation_id: number | null;
  reasons: string[];
}

const CHANNELS = ['sms', 'push', 'wechat', 'inapp'] as const;
const REASONS = [
  'sms_not_configured', 'no_phone', 'push_not_configured', 'no_push_subscription',
  'sms_off', 'push_off', 'wechat_off',
];

/** Control characters as visible symbols (␇ for BEL…), so nothing invisible or line-breaking
 *  hides in a name or a gateway's reason. Preact escapes the rest. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}

function channelName(channel: string): string {
  return (CHANNELS as readonly string[]).includes(channel) ? nt(`ch_${channel}` as 'ch_sms') : nt('ch_other');
}

function reasonName(reason: string): string {
  return REASONS.includes(reason) ? nt(`r_${reason}` as 'r_no_phone') : nt('r_other');
}

export default function NotifySection() {
  return (
    <div data-testid="admin-notify">
      <h3>{nt('heading')}</h3>
      <DeadLetters />
      <UnreachableUsers />
    </div>
  );
}

function DeadLetters() {
  const [channel, setChannel] = useState('');
  const query = channel ? `&channel=${channel}` : '';
  const rows = useResource<DeadLetter[]>(`/api/notifications/dead-letters?page_size=100${query}`);
  return (
    <section class="notify-part" aria-labelledby="notify-dead">
      <h4 id="notify-dead">{nt('dead_heading')}</h4>
      <p class="admin-hint">{nt('dead_intro')}</p>
      <label class="admin-inline notify-filter">
        <span>{nt('channel_filter')}</span>
        <select value={channel} onChange={(e) => setChannel(e.currentTarget.value)} data-testid="notify-channel">
          <option value="">{nt('all_channels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {channelName(c)}
            </option>
          ))}
        </select>
      </label>
      <ListState error={rows.error} loading={rows.loading} empty={rows.data?.length === 0} />
      {rows.data && rows.data.length > 0 && (
        <ul class="notify-cards" data-testid="notify-dead-list">
          {rows.data.map((d) => (
            <li key={d.id} class="notify-card" data-testid={`notify-dead-${d.id}`}>
              <div class="notify-line">
                <span class="notify-badge">{channelName(d.channel)}</span>
                <span class="notify-muted">{formatTime(d.created_at)}</span>
                <span class="notify-muted">{nt('attempts', { n: d.attempts })}</span>
              </div>
              <p class="notify-name" data-testid="notify-recipient">
                <span class="admin-sr">{nt('recipient')}: </span>
                {visible(d.recipient)}
              </p>
              <p class="notify-line">
                <span class="notify-muted">{nt('ticket')}:</span>
                {d.ticket_id !== null ? (
                  <a class="notify-link" href={`/supervise/tickets/${d.ticket_id}`} data-testid="notify-ticket">
                    {d.ticket_code ?? `#${d.ticket_id}`}
                  </a>
                ) : (
                  <span>{nt('no_ticket')}</span>
                )}
              </p>
              <p class="notify-reason">
                <span class="notify-muted">{nt('reason')}:</span> <span data-testid="notify-reason">{d.last_error ? visible(d.last_error) : nt('no_reason')}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UnreachableUsers() {
  const rows = useResource<Unreachable[]>('/api/notifications/unreachable');
  return (
    <section class="notify-part" aria-labelledby="notify-unreachable">
      <h4 id="notify-unreachable">{nt('unreachable_heading')}</h4>
      <p class="admin-hint">{nt('unreachable_intro')}</p>
      <ListState error={rows.error} loading={rows.loading} empty={false} />
      {rows.data && rows.data.length === 0 && <p class="admin-hint">{nt('all_reachable')}</p>}
      {rows.data && rows.data.length > 0 && (
        <ul class="notify-cards" data-testid="notify-unreachable-list">
          {rows.data.map((u) => (
            <li key={u.id} class="notify-card" data-testid={`notify-user-${u.username}`}>
              <p class="notify-name">
                <a class="notify-link" href={`/admin/users/${u.id}`}>
                  {visible(u.display_name || u.username)}
                </a>{' '}
                <span class="notify-muted">
                  {visible(u.username)} · {t(`role_${u.role}` as Key)}
                </span>
              </p>
              <ul class="notify-reasons" data-testid="notify-reasons">
                {u.reasons.map((r) => (
                  <li key={r}>{reasonName(r)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
