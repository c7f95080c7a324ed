// All user-facing text goes through this table. zh-CN first, English second.
// t('key', {n: 3}) replaces {n}. Checklist text comes with its own {zh, en} from the server.

export type Lang = 'zh' | 'en';

const TEXT = {
  app_name: ['五好小区巡查', 'Wuhao estate inspection'],
  loading: ['正在加载…', 'Loading…'],
  lang_switch: ['English', '中文'],
  lang_switch_short: ['EN', '中文'],
  // login
  login_title: ['登录', 'Sign in'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  sign_in: ['登录', 'Sign in'],
  signing_in: ['正在登录…', 'Signing in…'],
  wrong_password: ['用户名或密码错误', 'Wrong username or password'],
  locked: ['尝试次数过多,请 {s} 秒后再试', 'Too many attempts, try again in {s} s'],
  login_offline: ['无网络,无法登录。请联网后再试。', 'No connection: signing in needs the network.'],
  session_expired: ['登录已过期,请重新登录。未发送的数据已保存在手机上,登录后继续发送。', 'Your sign-in has expired. Unsent data is kept on this phone and will be sent after you sign in again.'],
  other_user_data: ['本机还有 {n} 条其他账号的未发送记录,需该账号登录后发送。', '{n} unsent records of another account are kept on this phone until that account signs in.'],
  logout: ['退出登录', 'Sign out'],
  logout_unsent: ['还有 {n} 条记录未发送。退出后记录仍保存在本机,重新登录后继续发送。确定退出?', '{n} records are not sent yet. They stay on this phone and are sent when you sign in again. Sign out?'],
  // roles
  role_inspector: ['网格员', 'Inspector'],
  role_firm: ['物业服务企业', 'Property firm'],
  role_supervisor: ['监管部门', 'Supervisor'],
  role_admin: ['系统管理员', 'Administrator'],
  role_committee: ['业主委员会', "Owners' committee"],
  role_community: ['社区居委会', 'Community committee'],
  coming_firm: ['工单收件箱即将上线:您将在这里接收整改工单、上传整改照片。', 'The ticket inbox is coming soon: you will receive rectification tickets and upload after-photos here.'],
  coming_supervisor: ['问题地图与考评看板即将上线。', 'The issue map and scorecards are coming soon.'],
  coming_admin: ['管理界面即将上线;目前请使用 API 文档。', 'The admin screens are coming soon; use the API docs for now.'],
  api_docs: ['API 文档', 'API docs'],
  // navigation
  nav_estates: ['小区', 'Estates'],
  nav_sync: ['同步', 'Sync'],
  nav_home: ['首页', 'Home'],
  back: ['返回', 'Back'],
  // network
  online: ['在线', 'Online'],
  offline: ['离线', 'Offline'],
  offline_banner: ['当前离线:记录保存在本机,联网后自动发送。', 'Offline: records are kept on this phone and sent when online.'],
  update_ready: ['新版本已就绪', 'A new version is ready'],
  update_now: ['更新', 'Update'],
  // estates
  my_estates: ['我的小区', 'My estates'],
  // today's tasks
  todays_tasks: ['今日任务', "Today's tasks"],
  tasks_open: ['{n} 项待完成', '{n} to do'],
  tasks_none: ['今天没有任务。', 'No tasks today.'],
  tasks_not_downloaded: ['尚未下载任务。请联网后打开本页。', 'Tasks not downloaded yet. Open this page online once.'],
  task_overdue: ['已逾期', 'Overdue'],
  task_missed: ['已错过', 'Missed'],
  task_due: ['待巡查', 'To do'],
  task_later: ['稍后开始', 'Opens later'],
  task_done: ['已完成', 'Done'],
  task_done_late: ['逾期完成', 'Done late'],
  task_start: ['开始巡查', 'Start'],
  task_unsent: ['已巡查,待上传', 'Inspected, not sent yet'],
  task_window: ['截止 {t}', 'Due by {t}'],
  task_grace: ['补做截止 {t}', 'Late until {t}'],
  task_done_at: ['巡查于 {t}', 'Inspected {t}'],
  task_no_checklist: ['本机没有此任务的检查表,请联网刷新。', "This task's checklist is not on this phone: refresh online."],
  estates_none: ['暂无分配的小区。', 'No estates assigned.'],
  estates_offline_empty: ['离线且尚未下载小区数据。请联网后打开本页。', 'Offline and no estate data downloaded yet. Open this page online once.'],
  data_as_of: ['数据更新于 {t}', 'Data as of {t}'],
  refresh: ['刷新', 'Refresh'],
  gps_waiting: ['正在定位…', 'Locating…'],
  gps_denied: ['未获定位授权,请在浏览器设置中允许定位', 'Location permission denied: allow it in the browser settings'],
  gps_timeout: ['定位超时,请到开阔处重试', 'Locating timed out: try in the open'],
  gps_unavailable: ['无法获取位置', 'Position unavailable'],
  gps_fix: ['定位精度 ±{a} 米', 'Position ±{a} m'],
  distance_m: ['{d} 米', '{d} m'],
  distance_km: ['{d} 公里', '{d} km'],
  you_are_here: ['您在此小区内', 'You are inside'],
  show_map: ['显示地图', 'Show map'],
  hide_map: ['隐藏地图', 'Hide map'],
  map_loading: ['地图加载中…', 'Loading map…'],
  map_failed: ['地图无法显示:{m}', 'The map cannot be shown: {m}'],
  search: ['搜索小区', 'Search estates'],
  grade: ['等级', 'Grade'],
  start_inspection: ['开始巡查', 'Start inspection'],
  resume_inspection: ['继续巡查', 'Resume inspection'],
  draft_exists: ['有未完成的巡查(已答 {n} 项)', 'Unfinished inspection ({n} answered)'],
  no_checklist: ['尚未下载巡查表,请联网后重试。', 'No checklist downloaded yet; go online and retry.'],
  // inspection
  position: ['位置', 'Position'],
  outside_estate: ['注意:您当前不在该小区范围内(约 {d} 米外)。', 'Warning: you are outside this estate (about {d} m away).'],
  inside_estate: ['位于小区范围内', 'Inside the estate'],
  poor_accuracy: ['定位精度较差(±{a} 米)', 'Poor accuracy (±{a} m)'],
  item_of: ['第 {i} / {n} 项', 'Item {i} of {n}'],
  answered_of: ['已答 {a} / {n}', '{a} of {n} answered'],
  pass: ['合格', 'Pass'],
  fail: ['不合格', 'Fail'],
  not_applicable: ['不适用', 'N/A'],
  guidance: ['检查方法', 'How to check'],
  severity_minor: ['一般', 'minor'],
  severity_major: ['较重', 'major'],
  severity_urgent: ['紧急', 'urgent'],
  clause: ['依据', 'Clause'],
  note: ['情况说明', 'Note'],
  note_required: ['情况说明(必填)', 'Note (required)'],
  note_placeholder: ['描述问题的位置和情况', 'Describe where and what'],
  photos: ['照片', 'Photos'],
  photo_required: ['照片(必须拍照)', 'Photo (required)'],
  take_photo: ['拍照', 'Take photo'],
  photo_processing: ['正在压缩照片…', 'Compressing photo…'],
  photo_failed: ['这张照片无法处理,请重拍或换一张。', 'This photo cannot be processed: take it again or pick another one.'],
  photo_too_large: ['照片太大(超过 20 MB),无法上传,请换一张。', 'This photo is too large (over 20 MB) to upload: pick another one.'],
  photo_pending_server: ['已保存,上传后显示', 'Saved; shown once uploaded'],
  photo_from_gallery: ['从相册选择', 'From gallery'],
  photo_remove: ['删除照片', 'Remove photo'],
  photo_limit: ['每项最多 {n} 张照片', 'At most {n} photos per item'],
  value: ['数值', 'Value'],
  number_invalid: ['请输入 {min}–{max} 之间的{kind}', 'Enter a {kind} between {min} and {max}'],
  whole_number: ['整数', 'whole number'],
  number_word: ['数值', 'number'],
  result_pass: ['判定:合格', 'Result: pass'],
  result_fail: ['判定:不合格', 'Result: fail'],
  prev: ['上一项', 'Previous'],
  next: ['下一项', 'Next'],
  overview: ['总览', 'Overview'],
  review_submit: ['检查并提交', 'Review & submit'],
  needs_note: ['缺少情况说明', 'note missing'],
  needs_photo: ['缺少照片', 'photo missing'],
  unanswered: ['未检查', 'not checked'],
  review_title: ['提交前检查', 'Before submitting'],
  review_problems: ['以下不合格项缺少必需的证据,请补充后再提交:', 'These failed items lack required evidence; complete them first:'],
  review_unanswered: ['还有 {n} 项未检查。', '{n} items are not checked yet.'],
  review_ok: ['所有项目已检查,证据齐全。', 'All items checked and evidence complete.'],
  review_counts: ['合格 {p} · 不合格 {f} · 不适用 {na}', 'Pass {p} · Fail {f} · N/A {na}'],
  submit: ['提交巡查', 'Submit inspection'],
  submit_unanswered_confirm: ['还有 {n} 项未检查,仍要提交吗?', '{n} items are not checked. Submit anyway?'],
  submitted: ['已提交,等待发送', 'Submitted, waiting to be sent'],
  discard_draft: ['放弃此草稿', 'Discard draft'],
  discard_confirm: ['确定放弃这份未提交的巡查?已填写的内容将被删除。', 'Discard this unsubmitted inspection? Its answers will be deleted.'],
  draft_saved: ['草稿已自动保存', 'Draft saved automatically'],
  started: ['开始于 {t}', 'Started {t}'],
  // sync
  sync_title: ['数据同步', 'Sync'],
  sync_now: ['立即同步', 'Sync now'],
  sync_waiting: ['等待发送', 'Waiting'],
  sync_sending: ['正在发送', 'Sending'],
  sync_done: ['已发送', 'Sent'],
  sync_failed: ['发送失败', 'Failed'],
  sync_paused_login: ['需要重新登录后才能继续发送', 'Sign in again to continue sending'],
  sync_other_user: ['属于账号 {u},需该账号登录', 'Belongs to {u}; that account must sign in'],
  sync_empty: ['没有待发送的记录。', 'Nothing to send.'],
  sync_progress: ['{d} / {n} 已发送', '{d} of {n} sent'],
  sync_photos: ['照片 {d}/{n}', 'photos {d}/{n}'],
  sync_photo_bytes: ['照片 {i}:{s} / {n}', 'Photo {i}: {s} of {n}'],
  sync_next_try: ['{s} 秒后重试', 'retry in {s} s'],
  sync_attempts: ['已尝试 {n} 次', '{n} attempts'],
  sync_retry: ['重试', 'Retry'],
  sync_reason: ['原因:{m}', 'Reason: {m}'],
  sync_kept: ['失败的记录不会被删除,处理后可重试。', 'Failed records are never deleted; fix and retry.'],
  sync_storage: ['本机存储:{u} / {q}', 'Storage: {u} of {q}'],
  sync_badge: ['{n} 条待发送', '{n} to send'],
  err_conflict: ['服务器上已有内容不同的同一份巡查(409),请联系管理员', 'the server already has a different version of this inspection (409); contact an administrator'],
  err_unknown: ['未知错误', 'unknown error'],
  unknown_state: ['状态:{w}', 'State: {w}'],
  unknown_action: ['操作:{w}', 'Action: {w}'],
  unknown_severity: ['程度:{w}', 'Severity: {w}'],
  inspection_label: ['{e} 巡查', '{e} inspection'],
  // firm
  firm_inbox: ['整改工单', 'Rectification tickets'],
  tab_todo: ['待办', 'To do'],
  tab_dispatched: ['待受理', 'New'],
  tab_accepted: ['整改中', 'Accepted'],
  tab_rework: ['返工', 'Rework'],
  tab_rectified: ['待核查', 'Awaiting check'],
  tab_disputed: ['争议中', 'Disputed'],
  tab_closed: ['已结案', 'Closed'],
  tab_overdue: ['已超期', 'Overdue'],
  state_dispatched: ['已派遣', 'Dispatched'],
  state_accepted: ['已受理', 'Accepted'],
  state_rectified: ['已整改待核查', 'Rectified'],
  state_rework: ['返工', 'Rework'],
  state_disputed: ['争议中', 'Disputed'],
  state_closed: ['已结案', 'Closed'],
  state_cancelled: ['已撤销', 'Cancelled'],
  all_estates: ['全部小区', 'All estates'],
  estate_n: ['小区 #{n}', 'Estate #{n}'],
  tickets_none: ['没有工单。', 'No tickets.'],
  tickets_offline: ['离线:显示的是 {t} 的数据。', 'Offline: showing data from {t}.'],
  load_more: ['加载更多', 'Load more'],
  overdue_by: ['已超期 {d}', 'Overdue by {d}'],
  due_in: ['剩余 {d}', '{d} left'],
  due_at: ['期限 {t}', 'Due {t}'],
  provisional: ['(暂定日历)', '(provisional calendar)'],
  dur_dh: ['{d} 天 {h} 小时', '{d} d {h} h'],
  dur_hm: ['{h} 小时 {m} 分', '{h} h {m} min'],
  dur_m: ['{m} 分钟', '{m} min'],
  ticket_title: ['工单 {c}', 'Ticket {c}'],
  before_photos: ['问题照片', 'Before photos'],
  after_photos: ['整改照片', 'After photos'],
  verification_photos: ['核查照片', 'Verification photos'],
  location: ['位置', 'Location'],
  no_position: ['没有定位信息', 'No position recorded'],
  history: ['处理记录', 'History'],
  by_me: ['我', 'me'],
  by_someone: ['其他用户', 'another user'],
  estate: ['小区', 'Estate'],
  estate_address: ['地址', 'Address'],
  found_by: ['发现人', 'Found by'],
  found_via_channel: ['居民投诉({c})', 'Resident complaint ({c})'],
  found_via_complaint: ['居民投诉', 'Resident complaint'],
  found_by_unknown: ['未记录', 'Not recorded'],
  act_dispatch: ['立案派遣', 'Registered and dispatched'],
  act_recurrence: ['再次发现', 'Found again'],
  act_inspection_revised: ['巡查记录更正', 'Inspection revised'],
  act_accept: ['受理', 'Accept'],
  act_rectify: ['提交整改', 'Submit rectification'],
  act_verify: ['核查通过,结案', 'Verify and close'],
  act_reject: ['核查不通过,返工', 'Reject: rework'],
  act_dispute: ['提出异议', 'Dispute'],
  act_return: ['退回原单位', 'Returned'],
  act_reroute: ['改派', 'Rerouted'],
  act_cancel: ['撤销', 'Cancelled'],
  act_escalate: ['升级督办', 'Escalated'],
  act_request_extension: ['申请延期', 'Extension requested'],
  act_approve_extension: ['同意延期', 'Extension approved'],
  act_deny_extension: ['不同意延期', 'Extension denied'],
  act_reopen: ['居民回访:没解决,退回返工', 'Resident follow-up: not solved, back to rework'],
  act_notified: ['已发送通知', 'Notice sent'],
  act_urge: ['监管部门催办', 'Urged by the supervisor'],
  act_urge_ack: ['已确认催办', 'Urging acknowledged'],
  add_after_photo: ['拍摄整改照片', 'Take after-photo'],
  rectify_note: ['整改说明(选填)', 'What was done (optional)'],
  rectify_needs_photo: ['请至少拍摄一张整改后照片', 'Take at least one after-photo'],
  dispute_reason: ['异议理由(必填)', 'Reason (required)'],
  dispute_placeholder: ['例如:该设施不属于本单位管理', 'e.g. this facility is not ours to manage'],
  reject_reason: ['不通过原因(必填)', 'Why it fails (required)'],
  cancel: ['取消', 'Cancel'],
  action_waiting: ['已保存在本机,等待发送', 'Saved on this device, waiting to be sent'],
  action_sending: ['正在发送…', 'Sending…'],
  action_failed: ['发送失败:{m}', 'Not sent: {m}'],
  action_done: ['已提交', 'Sent'],
  action_discard: ['放弃', 'Discard'],
  action_resubmit: ['按最新工单重新提交', 'Resubmit on the current ticket'],
  stale_reloaded: ['工单已被他人更新,已为您刷新,请确认后再操作。', 'Someone else changed this ticket; it has been reloaded. Check it and try again.'],
  conflict_state: ['当前状态({s})不能执行该操作,已刷新工单。', 'This cannot be done in the current state ({s}); the ticket has been reloaded.'],
  ticket_offline_copy: ['离线:显示的是本机保存的工单({t})。', 'Offline: showing the copy saved on this device ({t}).'],
  ticket_not_cached: ['离线且本机没有此工单。', 'Offline, and this ticket is not saved on this device.'],
  // reinspection
  nav_reinspect: ['复查', 'Re-inspect'],
  reinspect_title: ['待复查工单', 'Re-inspections'],
  reinspect_hint: ['物业已整改、等待现场核查的工单。已保存在本机,离线也可查看和核查。', 'Rectified tickets awaiting an on-site check. Saved on this phone: you can view and verify them offline.'],
  reinspect_none: ['没有待复查的工单。', 'Nothing to re-inspect.'],
  rectified_at: ['整改于 {t}', 'Rectified {t}'],
  // supervisor
  sv_map: ['问题地图', 'Issue map'],
  sv_scorecards: ['考评看板', 'Scorecards'],
  sv_admin: ['管理', 'Administration'],
  sv_filters: ['筛选', 'Filters'],
  sv_all: ['全部', 'All'],
  sv_area: ['问题类别', 'Area'],
  sv_area_sanitation: ['环境卫生', 'Sanitation'],
  sv_area_order: ['社会秩序', 'Public order'],
  sv_area_facilities: ['公共设施', 'Public facilities'],
  sv_area_garbage: ['垃圾管理', 'Garbage'],
  sv_area_property: ['物业管理', 'Property management'],
  sv_severity: ['严重程度', 'Severity'],
  sv_firm: ['责任单位', 'Responsible unit'],
  sv_state: ['状态', 'State'],
  sv_overdue_only: ['只看超期', 'Overdue only'],
  sv_reset: ['清除筛选', 'Clear filters'],
  sv_open_tickets: ['未结工单 {n} 件', '{n} open tickets'],
  sv_none: ['没有符合条件的工单。', 'No tickets match.'],
  sv_overdue: ['超期', 'overdue'],
  sv_due: ['期限 {t}', 'due {t}'],
  sv_legend: ['圆圈数字为工单数;红圈表示含超期工单;小区按最近得分着色', 'Numbers count tickets; a red ring means overdue ones; estates are coloured by their latest score'],
  sv_no_basemap: ['未配置底图:仅显示地名、小区轮廓和工单', 'No base map configured: place names, estates and tickets only'],
  sv_map_error: ['地图数据加载失败:{m}', 'Map data failed to load: {m}'],
  sv_zoom_in: ['放大查看', 'Zoom in'],
  sv_here_tickets: ['此处有 {n} 张工单', '{n} tickets at this spot'],
  sv_here_too_many: ['此处工单太多,请缩小筛选范围', 'Too many tickets here: narrow the filters'],
  sv_here_close: ['关闭列表', 'Close the list'],
  sv_export: ['导出', 'Export'],
  sv_export_failed: ['导出失败:{m}', 'Export failed: {m}'],
  sv_export_missing: ['导出功能尚未启用', 'Exports are not available yet'],
  sv_close_panel: ['关闭', 'Close'],
  sv_found: ['发现时间', 'Found'],
  sv_dispatched: ['派遣时间', 'Dispatched'],
  sv_deadline: ['整改期限', 'Deadline'],
  sv_responsible: ['责任单位', 'Responsible'],
  sv_rework_count: ['返工次数', 'Reworks'],
  sv_before: ['整改前', 'Before'],
  sv_after: ['整改后', 'After'],
  sv_verification: ['核查照片', 'Verification'],
  sv_no_photo: ['无照片', 'No photo'],
  sv_photo_failed: ['照片无法加载', 'Photo unavailable'],
  sv_evidence: ['取证检查', 'Evidence checks'],
  sv_evidence_ok: ['未发现取证问题:位置与照片均符合要求。', 'No evidence problems: position and photos check out.'],
  sv_evidence_none: ['非巡查发现的工单,无取证检查。', 'Not from an inspection: no evidence checks.'],
  ev_no_position: ['巡查未记录位置,无法确认网格员在现场。', 'No position was recorded: presence on site cannot be confirmed.'],
  ev_outside_estate: ['巡查位置在小区范围外约 {d}(允许 {tol} 米)。', 'Position about {d} outside the estate (tolerance {tol} m).'],
  ev_poor_accuracy: ['定位精度差(±{a} 米),位置可能不准。', 'Poor position accuracy (±{a} m).'],
  ev_photo_missing: ['照片尚未上传到服务器。', 'A photo has not been uploaded yet.'],
  ev_photo_far: ['照片拍摄地点距问题位置约 {d},可能不是现场照片。', 'Photo taken about {d} from the finding: maybe not on site.'],
  ev_photo_time: ['照片拍摄时间({t})不在巡查时间内,可能是旧照片。', 'Photo taken at {t}, outside the inspection: maybe an old photo.'],
  ev_photo_reused: ['同一张照片也用于其他问题,可能重复取证。', 'The same photo is used for another finding.'],
  ev_photo_near_duplicate: ['照片与其他问题的照片几乎相同。', 'The photo is nearly identical to another finding\'s photo.'],
  ev_fix_far: ['拍照时手机距小区或问题位置约 {d}(允许 {tol} 米),可能不在现场。', 'The phone was about {d} from the estate or finding when the photo was taken (tolerance {tol} m).'],
  ev_unverifiable: ['从相册选取的照片没有拍摄时间和地点,无法核实。', 'Picked from the gallery without capture time or place: cannot be verified.'],
  ev_after_reused: ['整改后照片与该小区以前的照片完全相同,不能证明已整改。', 'The after-photo is the same file as an earlier photo of this estate.'],
  ev_after_near_duplicate: ['整改后照片与该小区以前的照片(含整改前照片)几乎一样,可能是旧照片。', 'The after-photo is nearly identical to an earlier photo of this estate (the before-photo included).'],
  ev_after_photo_time: ['整改照片拍摄时间({t})早于问题发现时间或晚于上传时间,可能是旧照片。', 'After-photo taken at {t}: before the finding was made, or after the upload.'],
  ev_after_photo_far: ['整改照片拍摄地点距问题位置约 {d},可能不是现场照片。', 'After-photo taken about {d} from the finding: maybe not on site.'],
  ev_photo_flags: ['取证提示', 'Evidence notes'],
  ev_compare: ['照片比对:整改后照片有疑点', 'Compare: the after-photo has evidence flags'],
  ev_compare_before: ['整改前(问题照片)', 'Before (the finding)'],
  ev_compare_after: ['整改后(有疑点)', 'After (flagged)'],
  ev_compare_match: ['与整改后照片几乎相同的以前照片', 'Earlier photo nearly identical to the after-photo'],
  ev_compare_no_before: ['没有整改前照片', 'No before-photo'],
  sv_trail: ['办理记录', 'History'],
  sv_do_verify: ['核查通过并结案', 'Verify and close'],
  sv_do_reject: ['退回返工', 'Return for rework'],
  sv_do_reroute: ['改派', 'Reroute'],
  sv_do_return: ['驳回异议', 'Reject dispute'],
  sv_do_cancel: ['撤销工单', 'Cancel ticket'],
  sv_verify_confirm: ['确认整改合格并结案?', 'Confirm the rectification and close the ticket?'],
  sv_reason: ['理由(必填)', 'Reason (required)'],
  sv_reroute_to: ['改派给', 'Reroute to'],
  sv_choose: ['请选择', 'Choose'],
  sv_confirm: ['确定', 'Confirm'],
  sv_done: ['已完成:{a}', 'Done: {a}'],
  sv_stale: ['工单已被他人更新,已重新加载,请确认后再操作。', 'Someone changed this ticket meanwhile; it was reloaded, check and try again.'],
  sv_conflict: ['当前状态不能执行该操作,已重新加载。', 'The ticket\'s state does not allow this any more; it was reloaded.'],
  sv_queued: ['无网络:操作已保存在本机,联网后自动发送。', 'No connection: the action is saved on this device and sent when online.'],
  sv_no_actions: ['当前无可执行的操作。', 'Nothing to do on this ticket now.'],
  // supervisor: scorecards
  sv_period: ['统计期间', 'Period'],
  sv_from: ['从', 'From'],
  sv_to: ['到', 'To'],
  sv_level_firms: ['责任单位', 'Units'],
  sv_level_streets: ['街道', 'Streets'],
  sv_level_estates: ['小区', 'Estates'],
  sv_level_districts: ['区', 'Districts'],
  sv_name: ['名称', 'Name'],
  sv_due_n: ['应结案', 'Due'],
  sv_closed_n: ['已结案', 'Closed'],
  sv_closure_rate: ['结案率', 'Closure rate'],
  sv_on_time_rate: ['按期结案率', 'On-time rate'],
  sv_rework_rate: ['返工率', 'Rework rate'],
  sv_overdue_open: ['超期未结', 'Overdue'],
  sv_credit: ['信用等级', 'Credit grade'],
  sv_satisfaction: ['满意率', 'Satisfaction'],
  sv_urges: ['催办(确认/次)', 'Urges (acked/all)'],
  sv_mean_score: ['平均得分', 'Mean score'],
  sv_total: ['得分', 'Score'],
  sv_grade: ['等级', 'Grade'],
  sv_rank: ['排名', 'Rank'],
  sv_no_rows: ['该期间没有数据。', 'No figures for this period.'],
  sv_chart_on_time: ['按期结案率(%)', 'On-time closure rate (%)'],
  sv_chart_score: ['得分', 'Score'],
  sv_publish: ['发布公示', 'Publish disclosure'],
  sv_publish_confirm: ['将 {a} 至 {b} 的考评结果向社会公示?发布后公众可见。', 'Publish the results of {a} to {b}? The public will see them.'],
  sv_published: ['已发布公示', 'Disclosure published'],
  sv_publish_missing: ['公示功能尚未启用', 'Publishing is not available yet'],
  sv_publish_failed: ['发布失败:{m}', 'Publishing failed: {m}'],
  sv_public_page: ['查看公示页面', 'Open the public page'],
  // --- issue 15: truthful status, plain messages, the quick checklist ---
  problem_offline: ['手机没有网络。请联网后再试。', 'This phone has no network. Try again when connected.'],
  problem_unreachable: ['手机已联网,但连不上服务器。请稍后再试,数据不会丢失。', 'The phone is online but cannot reach the server. Try again later; nothing is lost.'],
  problem_timeout: ['服务器响应超时。请稍后再试,数据不会丢失。', 'The server did not answer in time. Try again later; nothing is lost.'],
  problem_server: ['服务器出错({s}),请稍后再试,数据不会丢失。', 'Server error ({s}). Try again later; nothing is lost.'],
  problem_busy: ['服务器繁忙,请稍后再试。', 'The server is busy; try again later.'],
  problem_refused: ['服务器拒绝:{m}', 'The server refused: {m}'],
  problem_refused_plain: ['服务器拒绝了该请求({s})。', 'The server refused the request ({s}).'],
  problem_auth: ['登录已过期,请重新登录。', 'Your sign-in has expired; sign in again.'],
  problem_local: ['手机上的处理出错,请重试。', 'Something failed on this phone; try again.'],
  problem_photo_lost: ['照片已不在本机(存储被清除),请重新拍照后再提交。', 'A photo is no longer on this phone (storage was cleared); retake it and submit again.'],
  problem_photos_missing: ['服务器仍缺少照片,稍后自动重传。', 'The server still lacks photos; they will be sent again.'],
  server_unreachable: ['服务器连不上', 'Server unreachable'],
  server_error: ['服务器故障', 'Server error'],
  server_banner: ['已联网,但服务器暂时连不上:记录保存在本机,恢复后自动发送。', 'Online, but the server cannot be reached: records are kept on this phone and sent when it is back.'],
  server_error_banner: ['服务器出现故障:记录保存在本机,恢复后自动发送。', 'The server has a fault: records are kept on this phone and sent when it is back.'],
  not_downloaded: ['尚未下载数据。', 'Nothing downloaded yet.'],
  showing_copy: ['显示的是 {t} 保存的数据。', 'Showing data saved at {t}.'],
  storage_risk: ['浏览器可能在空间不足时清除本机数据:请尽快联网发送记录,不要清除浏览器数据。', 'The browser may clear this phone\'s data when space runs low: send records soon and do not clear browser data.'],
  sync_all_sent: ['全部已发送。', 'Everything is sent.'],
  pass_rest: ['本类未检查的 {n} 项全部合格', 'Pass the {n} unchecked items of this area'],
  pass_rest_confirm: ['将「{a}」中尚未检查的 {n} 项全部记为合格?', 'Mark the {n} unchecked items of “{a}” as passed?'],
  number_ok_at_most: ['应不超过 {v}', 'should be at most {v}'],
  number_ok_at_least: ['应不少于 {v}', 'should be at least {v}'],
  number_ok_exactly: ['应为 {v}', 'should be {v}'],
  number_ok_between: ['应在 {a} 至 {b} 之间', 'should be between {a} and {b}'],
  number_enter_count: ['请输入实际数值', 'Enter the actual value'],
  map_unsupported: ['此浏览器无法显示地图(不支持 WebGL)', 'This browser cannot show maps (no WebGL)'],
  reinspect_offline_empty: ['离线,且本机还没有保存待复查工单。请联网后打开本页。', 'Offline, and no re-inspections are saved on this phone yet. Open this page online once.'],
  photo_open: ['查看大图', 'Open the photo'],
  ticket_not_saved: ['本机没有保存此工单。', 'This ticket is not saved on this phone.'],
  draft_save_failed: ['草稿未能保存到手机,手机存储空间可能不足:请清理空间后再继续。', 'The draft could not be saved on this phone; storage may be full: free some space, then continue.'],
  estate_filter: ['按小区筛选', 'Filter by estate'],
  inspection_missing: ['这台手机上没有这份巡查(可能已提交或已放弃)。可在“同步”中查看已提交的记录。', 'This inspection is not on this phone (it may have been submitted or discarded). Submitted ones are listed under Sync.'],
  // --- issue 18: one's own password ---
  pw_link: ['修改密码', 'Change password'],
  pw_title: ['修改密码', 'Change password'],
  pw_forced: ['管理员已重置您的密码。请先设置您自己的新密码,然后继续使用。', 'An administrator reset your password. Choose your own new password to carry on.'],
  pw_current: ['当前密码', 'Current password'],
  pw_new: ['新密码(至少 8 位)', 'New password (at least 8 characters)'],
  pw_repeat: ['再次输入新密码', 'New password again'],
  pw_save: ['保存新密码', 'Save new password'],
  pw_saving: ['正在保存…', 'Saving…'],
  pw_done: ['密码已修改。其他设备上的登录已退出。', 'Password changed. Sign-ins on other devices have ended.'],
  pw_wrong_current: ['当前密码不正确', 'The current password is wrong'],
  pw_too_short: ['新密码至少 8 位', 'The new password needs at least 8 characters'],
  pw_same: ['新密码不能与当前密码相同', 'The new password must differ from the current one'],
  pw_mismatch: ['两次输入的新密码不一致', 'The two new passwords differ'],
  pw_offline: ['无网络,无法修改密码。请联网后再试。', 'No connection: changing the password needs the network.'],
} satisfies Record<string, [string, string]>;

export type Key = keyof typeof TEXT;

const STORAGE_KEY = 'wuhao.lang';
let current: Lang = readLang();
const listeners = new Set<() => void>();

function readLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the switch still works for this visit */
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  listeners.forEach((fn) => fn());
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Is there a text for this key? (Words the server sends may be newer than this app.) */
export function has(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(TEXT, key);
}

/** Never throws: an unknown key (a bug, or a word newer than this app) shows the key itself. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const pair = has(key) ? TEXT[key] : null;
  const text = pair ? pair[current === 'zh' ? 0 : 1] : String(key);
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A screen's own text table (zh-CN first, English second), read in the current language like t().
 *  Lazily loaded screens (the admin console) keep their words beside them with this. */
export function texts<T extends Record<string, readonly [string, string]>>(table: T) {
  return (key: keyof T & string, params: Record<string, string | number> = {}): string => {
    const pair = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : null;
    const text = pair ? pair[current === 'zh' ? 0 : 1] : key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  };
}

const UNKNOWN = { state_: 'unknown_state', act_: 'unknown_action', severity_: 'unknown_severity' } as const;

/** The label of a word the server sends (ticket state, action or event, severity). A word newer
 *  than this app reads e.g. "状态:on_hold" instead of breaking the screen. */
export function word(prefix: keyof typeof UNKNOWN, value: string): string {
  const key = `${prefix}${value}`;
  return has(key) ? t(key) : t(UNKNOWN[prefix], { w: value });
}

/** Text of a server object that carries {zh, en}. */
export function tr(text: { zh?: string; en?: string } | undefined | null): string {
  if (!text) return '';
  return (current === 'zh' ? text.zh || text.en : text.en || text.zh) ?? '';
}

export function formatTime(iso: string | number | Date): string {
  const date = new Date(iso);
  // Another year is part of the message (a photo taken in 2008 is evidence of something).
  const otherYear = date.getFullYear() !== new Date().getFullYear();
  return date.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-GB', {
    ...(otherYear ? { year: 'numeric' } : {}),
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
