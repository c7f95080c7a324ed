// Words of the notification centre (通知) and its bell in the top bar.
import { texts } from '../i18n';

export const nt = texts({
  bell: ['通知', 'Notices'],
  bell_label: ['通知,{n} 条未读', 'Notices, {n} unread'],
  title: ['通知', 'Notices'],
  all: ['全部', 'All'],
  unread: ['未读', 'Unread'],
  mark_all: ['全部标为已读', 'Mark all read'],
  empty: ['暂无通知。', 'No notices.'],
  empty_unread: ['没有未读通知。', 'No unread notices.'],
  cannot_load: ['无法加载通知:{m}', 'Cannot load notices: {m}'],
  open_ticket: ['查看工单', 'Open the ticket'],
  more: ['加载更多', 'Load more'],
  phone: ['短信通知手机号', 'Mobile number for SMS notices'],
  phone_none: ['未设置', 'not set'],
  phone_save: ['保存', 'Save'],
  phone_saved: ['已保存', 'Saved'],
  phone_bad: ['手机号无效,请输入11位手机号', 'Not a mobile number: enter 11 digits'],
  channels: ['当前通知方式:{c}', 'You are told by: {c}'],
  ch_inapp: ['应用内', 'in the app'],
  ch_sms: ['短信', 'SMS'],
  ch_push: ['推送', 'push'],
  push_on: ['在本机接收推送通知', 'Get push notices on this phone'],
  push_off: ['关闭本机推送通知', 'Stop push notices on this phone'],
  push_denied: ['未允许通知:请在浏览器设置中允许本应用发送通知。', 'Notifications are not allowed: allow them for this app in the browser settings.'],
  push_unavailable: ['本机浏览器暂不支持推送,仍可在应用内和短信中收到通知。', 'This browser cannot receive push notices; you still get them in the app and by SMS.'],
});
