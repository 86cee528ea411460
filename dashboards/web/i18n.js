// Languages of the dashboard: zh-CN and en, chosen from the browser (navigator.languages) unless the
// operator switched (remembered in this browser). Static text carries data-i18n="key" (textContent),
// data-i18n-label="key" (aria-label) or data-i18n-placeholder="key"; scripts call L.t(key, vars).
// Times are 24-hour local time with the date (YYYY-MM-DD HH:mm:ss), the form GB/T 7408 (ISO 8601) writes;
// units stay as the standards write them (%LEL, MPa, m³/h, °C), untranslated.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const KEY = 'lifeline.lang';
  const LANGS = ['zh-CN', 'en'];

  const en = {
    title: 'Lifeline gateway',
    'nav.overview': 'Overview',
    'nav.journal': 'Alarm journal',
    'nav.trends': 'Trends',
    'nav.language': 'Language',
    'me.none': 'not signed in',
    'sign.in': 'Sign in',
    'sign.out': 'Sign out',
    'sign.token': 'Operator token',
    'sign.refused': 'token not accepted',
    'link.live': 'live',
    'link.down': 'reconnecting…',
    'link.connecting': 'connecting…',
    'overview.title': 'Site overview',
    'alarms.title': 'Active alarms',
    'alarms.none': 'No active alarms',
    'alarms.informational': 'for information: it clears by itself',
    'analytics.title': 'Alarm analytics',
    'analytics.rate': '{rate} alarms in the last {minutes} min',
    'analytics.flood': 'FLOOD since {since} — {alarms} alarms, peak {peak}',
    'analytics.noFlood': 'no flood (starts above {start}, ends below {end})',
    'analytics.totals': '{floods} flood(s), {annunciated} alarm(s) since start',
    'analytics.chattering': 'Chattering',
    'analytics.badActors': 'Bad actors (24 h)',
    'analytics.standing': 'Standing (> 24 h)',
    'analytics.staleShelves': 'Stale shelves',
    'analytics.none': 'none',
    'analytics.unavailable': 'alarm analytics unavailable: {reason}',
    'alarms.signin': 'sign in as operator to ack',
    'alarms.silence': 'Silence',
    'alarms.silenced': 'Silenced',
    'alarms.raised': 'raised',
    'alarms.changed': 'last change',
    'alarms.atRaise': 'at raise',
    'alarms.now': 'now',
    'alarms.limit': 'limit',
    'alarms.ackedBy': 'acked by {user} at {at}',
    'alarms.shelvedBy': 'shelved by {user} at {at}',
    'alarms.shelvedUntil': 'until {at}',
    'alarms.comment': 'comment',
    'alarms.commentRequired': 'comment (required for priority {p})',
    'alarms.commentNeeded': 'a comment is required to shelve a priority {p} alarm',
    'action.ack': 'Ack',
    'action.shelve': 'Shelve',
    'action.unshelve': 'Unshelve',
    'action.shelveFor': 'shelve for',
    'command.ok': '{command}: {alarm} is now {state}',
    'command.failed': '{command} failed: {message}',
    'devices.title': 'Devices',
    'links.title': 'Uplinks and outbox',
    'links.connected': 'connected',
    'links.disconnected': 'disconnected',
    'links.uptime': 'uptime',
    'links.minutes': '{n} min',
    'links.waiting': '{n} waiting',
    'links.pending': '{n} pending',
    'links.dropped': 'dropped',
    'links.unavailable': 'outbox status not available',
    'links.unreachable': 'gateway unreachable: {message}',
    'trend.title': 'Trend',
    'trend.hint': 'tap a value to choose',
    'trend.none': 'no samples yet',
    'trend.add': 'Add point',
    'trend.remove': 'remove',
    'trend.export': 'Export CSV',
    'trend.from': 'from',
    'trend.to': 'to',
    'trend.apply': 'Show',
    'range.1h': '1 h',
    'range.8h': '8 h',
    'range.24h': '24 h',
    'range.7d': '7 d',
    'range.custom': 'custom',
    'points.title': 'Live values',
    'col.device': 'Device',
    'col.point': 'Point',
    'col.value': 'Value',
    'col.unit': 'Unit',
    'col.quality': 'Quality',
    'col.updated': 'Updated',
    'history.title': 'Alarm history',
    'history.none': 'No alarm events since the gateway started',
    'history.all': 'full journal',
    'journal.title': 'Alarm journal',
    'journal.search': 'search: id, user, comment, reason',
    'journal.any': 'any',
    'journal.filter': 'Filter',
    'journal.export': 'Export CSV',
    'journal.more': 'Older entries',
    'journal.none': 'No journal entries match',
    'journal.count': '{n} entries',
    'col.time': 'Time',
    'col.event': 'Event',
    'col.alarm': 'Alarm',
    'col.priority': 'Priority',
    'col.state': 'State',
    'col.who': 'Who',
    'col.comment': 'Comment',
    'device.points': 'Points',
    'device.health': 'Health',
    'device.alarms': 'Alarms',
    'device.back': 'All devices',
    'device.open': 'open device page',
    'device.unknown': 'No such device: {id}',
    'device.profile': 'profile',
    'device.link': 'link',
    'device.poll': 'poll interval',
    'device.lastOk': 'last good poll',
    'tile.alarms': '{n} alarms',
    'tile.alarm': '1 alarm',
    'tile.normal': 'normal',
    'quality.good': 'good',
    'quality.uncertain': 'uncertain',
    'quality.bad': 'bad',
    'comm.online': 'online',
    'comm.offline': 'offline',
    'comm.degraded': 'degraded',
    'comm.connecting': 'connecting',
    'comm.unknown': 'unknown',
    'counter.requests': 'requests',
    'counter.timeouts': 'timeouts',
    'counter.exceptions': 'exceptions',
    'counter.reconnects': 'reconnects',
    'counter.badFrames': 'bad frames',
    'counter.retries': 'retries',
    'counter.lateRetries': 'late, retried',
    'counter.writes': 'writes',
    'counter.writeFailures': 'failed writes',
    'footer.live': 'live over WebSocket',
  };

  const zh = {
    title: 'Lifeline 网关',
    'nav.overview': '总览',
    'nav.journal': '报警日志',
    'nav.trends': '趋势',
    'nav.language': '语言',
    'me.none': '未登录',
    'sign.in': '登录',
    'sign.out': '退出',
    'sign.token': '操作员令牌',
    'sign.refused': '令牌无效',
    'link.live': '实时',
    'link.down': '正在重连…',
    'link.connecting': '正在连接…',
    'overview.title': '站点总览',
    'alarms.title': '当前报警',
    'alarms.none': '无当前报警',
    'alarms.informational': '提示信息：自动恢复，无需确认',
    'analytics.title': '报警分析',
    'analytics.rate': '最近 {minutes} 分钟 {rate} 条报警',
    'analytics.flood': '报警泛滥：自 {since} 起 {alarms} 条，峰值 {peak}',
    'analytics.noFlood': '无报警泛滥（超过 {start} 条开始，低于 {end} 条结束）',
    'analytics.totals': '启动以来 {floods} 次泛滥，{annunciated} 条报警',
    'analytics.chattering': '振荡报警',
    'analytics.badActors': '频发报警（24 小时）',
    'analytics.standing': '长期报警（超过 24 小时）',
    'analytics.staleShelves': '过期搁置',
    'analytics.none': '无',
    'analytics.unavailable': '报警分析不可用：{reason}',
    'alarms.signin': '以操作员身份登录后可确认',
    'alarms.silence': '消音',
    'alarms.silenced': '已消音',
    'alarms.raised': '报警时间',
    'alarms.changed': '最近变化',
    'alarms.atRaise': '报警时',
    'alarms.now': '当前',
    'alarms.limit': '限值',
    'alarms.ackedBy': '{user} 于 {at} 确认',
    'alarms.shelvedBy': '{user} 于 {at} 搁置',
    'alarms.shelvedUntil': '至 {at}',
    'alarms.comment': '备注',
    'alarms.commentRequired': '备注（{p} 级报警必填）',
    'alarms.commentNeeded': '搁置 {p} 级报警须填写备注',
    'action.ack': '确认',
    'action.shelve': '搁置',
    'action.unshelve': '解除搁置',
    'action.shelveFor': '搁置时长',
    'command.ok': '{command}：{alarm} 现为{state}',
    'command.failed': '{command}失败：{message}',
    'devices.title': '设备',
    'links.title': '上行链路与发件箱',
    'links.connected': '已连接',
    'links.disconnected': '未连接',
    'links.uptime': '运行时间',
    'links.minutes': '{n} 分钟',
    'links.waiting': '{n} 条待发',
    'links.pending': '{n} 条未确认',
    'links.dropped': '已丢弃',
    'links.unavailable': '发件箱状态不可用',
    'links.unreachable': '网关不可达：{message}',
    'trend.title': '趋势',
    'trend.hint': '点击数值选择测点',
    'trend.none': '暂无数据',
    'trend.add': '添加测点',
    'trend.remove': '移除',
    'trend.export': '导出 CSV',
    'trend.from': '起',
    'trend.to': '止',
    'trend.apply': '显示',
    'range.1h': '1 小时',
    'range.8h': '8 小时',
    'range.24h': '24 小时',
    'range.7d': '7 天',
    'range.custom': '自定义',
    'points.title': '实时数据',
    'col.device': '设备',
    'col.point': '测点',
    'col.value': '数值',
    'col.unit': '单位',
    'col.quality': '质量',
    'col.updated': '更新时间',
    'history.title': '报警记录',
    'history.none': '网关启动以来无报警事件',
    'history.all': '完整日志',
    'journal.title': '报警日志',
    'journal.search': '搜索：编号、人员、备注、原因',
    'journal.any': '全部',
    'journal.filter': '筛选',
    'journal.export': '导出 CSV',
    'journal.more': '更早的记录',
    'journal.none': '没有符合条件的记录',
    'journal.count': '{n} 条记录',
    'col.time': '时间',
    'col.event': '事件',
    'col.alarm': '报警',
    'col.priority': '级别',
    'col.state': '状态',
    'col.who': '操作人',
    'col.comment': '备注',
    'device.points': '测点',
    'device.health': '通信状况',
    'device.alarms': '报警',
    'device.back': '全部设备',
    'device.open': '打开设备页',
    'device.unknown': '无此设备：{id}',
    'device.profile': '型号',
    'device.link': '链路',
    'device.poll': '采集周期',
    'device.lastOk': '最近成功采集',
    'tile.alarms': '{n} 条报警',
    'tile.alarm': '1 条报警',
    'tile.normal': '正常',
    'quality.good': '良好',
    'quality.uncertain': '不确定',
    'quality.bad': '坏值',
    'comm.online': '在线',
    'comm.offline': '离线',
    'comm.degraded': '降级',
    'comm.connecting': '连接中',
    'comm.unknown': '未知',
    'counter.requests': '请求',
    'counter.timeouts': '超时',
    'counter.exceptions': '异常应答',
    'counter.reconnects': '重连',
    'counter.badFrames': '错误帧',
    'counter.retries': '重试',
    'counter.lateRetries': '超时截断后重试',
    'counter.writes': '写入',
    'counter.writeFailures': '写入失败',
    'footer.live': 'WebSocket 实时推送',
  };

  /** Words of the alarm vocabulary (DESIGN.md §4, §5): conditions, ISA-18.2 states, lifecycle events. */
  const VOCAB = {
    en: {
      condition: {
        hihi: 'high-high',
        hi: 'high',
        lo: 'low',
        lolo: 'low-low',
        roc: 'rate of change',
        state: 'state alarm',
        stale: 'stale data',
        fault: 'sensor fault',
        flatline: 'flat-lined value',
        comm: 'communication lost',
        action: 'local action failed',
        flood: 'alarm flood',
        chatter: 'chattering alarm',
      },
      state: {
        normal: 'normal',
        unacknowledged: 'unacknowledged',
        acknowledged: 'acknowledged',
        'returned-unacknowledged': 'returned, unacknowledged',
        shelved: 'shelved',
        suppressed: 'suppressed',
        'out-of-service': 'out of service',
      },
      event: {
        raise: 'raise',
        clear: 'clear',
        ack: 'ack',
        shelve: 'shelve',
        unshelve: 'unshelve',
        suppress: 'suppress',
        unsuppress: 'unsuppress',
        'out-of-service': 'out of service',
        'in-service': 'in service',
      },
      level: ['', 'I (red)', 'II (orange)', 'III (yellow)', 'IV (blue)'],
    },
    'zh-CN': {
      condition: {
        hihi: '高高限报警',
        hi: '高限报警',
        lo: '低限报警',
        lolo: '低低限报警',
        roc: '变化率超限',
        state: '状态报警',
        stale: '数据陈旧',
        fault: '传感器故障',
        flatline: '数值冻结',
        comm: '通信中断',
        action: '联动动作失败',
        flood: '报警泛滥',
        chatter: '振荡报警',
      },
      state: {
        normal: '正常',
        unacknowledged: '未确认',
        acknowledged: '已确认',
        'returned-unacknowledged': '已恢复未确认',
        shelved: '已搁置',
        suppressed: '已抑制',
        'out-of-service': '停用',
      },
      event: {
        raise: '报警',
        clear: '恢复',
        ack: '确认',
        shelve: '搁置',
        unshelve: '解除搁置',
        suppress: '抑制',
        unsuppress: '解除抑制',
        'out-of-service': '停用',
        'in-service': '启用',
      },
      // 《国家突发公共事件总体应急预案》: Ⅰ级（红色）… Ⅳ级（蓝色）.
      level: ['', 'Ⅰ级（红）', 'Ⅱ级（橙）', 'Ⅲ级（黄）', 'Ⅳ级（蓝）'],
    },
  };

  const DICTS = { en, 'zh-CN': zh };

  /** The browser's first language we have, zh* → zh-CN, else en. */
  function fromBrowser() {
    for (const tag of navigator.languages || [navigator.language || 'en']) {
      const t = String(tag).toLowerCase();
      if (t.startsWith('zh')) return 'zh-CN';
      if (t.startsWith('en')) return 'en';
    }
    return 'en';
  }

  let lang = LANGS.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : fromBrowser();
  const listeners = [];

  L.LANGS = LANGS;
  L.lang = () => lang;
  L.setLang = (next) => {
    if (!LANGS.includes(next) || next === lang) return;
    lang = next;
    localStorage.setItem(KEY, next);
    L.translatePage();
    for (const f of listeners) f(lang);
  };
  L.onLang = (f) => listeners.push(f);

  /** The text of `key` in the current language with {name} filled from vars; an unknown key shows itself. */
  L.t = (key, vars = {}) => {
    const text = DICTS[lang][key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined ? '' : String(vars[k])));
  };
  L.word = (kind, value) => VOCAB[lang][kind][value] ?? value;
  L.level = (priority) => VOCAB[lang].level[priority] ?? String(priority);

  /** A device's, point's or profile's name in the current language: names[lang], else name, else the id. */
  L.nameOf = (thing, fallback) => (thing && (thing.names?.[lang] || thing.name)) || fallback || '';

  const pad = (n) => String(n).padStart(2, '0');
  /** 24-hour local time with the date: 2026-12-01 09:11:28 (the same in both languages). */
  L.time = (ts) => {
    if (ts === undefined || ts === null || ts === '') return '';
    const d = new Date(ts);
    if (Number.isNaN(d.getTime())) return '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  /** Short form for chart axes: HH:mm within a day, MM-DD HH:mm beyond. */
  L.shortTime = (ts, spanMs) => {
    const d = new Date(ts);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return spanMs > 86_400_000 ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}` : hm;
  };
  /** A `datetime-local` input's value for ts, and back. */
  L.localInput = (ts) => L.time(ts).replace(' ', 'T').slice(0, 16);

  /** Fills every data-i18n element of the page; runs on load and on every switch. */
  L.translatePage = (root = document) => {
    document.documentElement.lang = lang;
    for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = L.t(node.dataset.i18n);
    for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', L.t(node.dataset.i18nLabel));
    for (const node of root.querySelectorAll('[data-i18n-placeholder]'))
      node.setAttribute('placeholder', L.t(node.dataset.i18nPlaceholder));
  };
})();
