// 通知方式: the user's own choice of outside channels (短信, 推送, 微信), each a switch that saves
// at once. The in-app centre is always on (it is where every notice stays), so it has none.

import { useState } from 'preact/hooks';
import { request } from '../api';
import { describe } from '../problem';
import { nt } from './notices-text';

export interface Choices {
  sms: boolean;
  push: boolean;
  wechat: boolean;
  wechat_bound: boolean;
}

type Name = 'sms' | 'push' | 'wechat';

export function ChannelChoices<T extends Choices>({ settings, onSaved }: { settings: T; onSaved: (s: T) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const names: Name[] = settings.wechat_bound ? ['wechat', 'sms', 'push'] : ['sms', 'push'];
  const flip = async (name: Name) => {
    setBusy(true);
    setMessage('');
    try {
      const answer = await request('/api/notifications/settings', { method: 'PUT', json: { [name]: !settings[name] } });
      onSaved((await answer.json()) as T);
    } catch (e) {
      setMessage(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset class="channel-choices" data-testid="channel-choices">
      <legend>{nt('choices')}</legend>
      <label class="choice">
        <input type="checkbox" checked disabled />
        <span>{nt('choice_inapp')}</span>
      </label>
      {names.map((name) => (
        <label class="choice" key={name}>
          <input
            type="checkbox"
            checked={settings[name]}
            disabled={busy}
            onChange={() => void flip(name)}
            data-testid={`choice-${name}`}
          />
          <span>{nt(`choice_${name}`)}</span>
        </label>
      ))}
      {settings.wechat_bound && !settings.wechat && <p class="small muted">{nt('wechat_off_hint')}</p>}
      {message && <p class="small error" data-testid="choice-message">{message}</p>}
    </fieldset>
  );
}
