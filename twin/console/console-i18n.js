// The centre console's own words on top of the gateway dashboard's i18n.js (served from
// dashboards/web): the language choice, the switch memory, L.word, L.level and L.time are the
// dashboard's; only the keys a fleet adds live here. Anything not found here is the dashboard's key.
(() => {
  const L = window.Lifeline;

  const KEYS = {
    en: {
      'console.title': 'Lifeline centre — alarm console',
      'console.name': 'Lifeline centre',
      'console.sub': 'alarm console',
      'console.me': 'signed in as {user}',
      'console.signInFailed': 'sign-in failed: {message}',
      'console.up': 'centre connected',
      'console.down': 'centre unreachable',
      'console.site': 'Site',
      'console.kind': 'Kind',
      'console.all': 'all',
      'console.shelve1h': 'Shelve 1 h',
      'console.signin': 'sign in to act',
      'console.done': '{command} {alarm}: done by the gateway ({state})',
      'console.refused': '{command} {alarm}: {message}',
      'console.since': 'raised {at}',
      'console.colon': ': ',
      'console.gateways': 'Gateways',
      'console.gateway': 'Gateway',
      'console.link': 'Link',
      'console.lastSeen': 'Last seen',
      'console.devices': 'Devices',
      'console.alarms': 'Alarms',
      'console.version': 'Twin version',
      'console.backlog': 'Outbox backlog',
      'console.notReported': 'not reported',
      'console.rejected': 'Refused',
      'console.received': 'Received',
      'console.seq': 'Seq',
      'console.search': 'alarm, device, point or condition',
      'console.searchButton': 'Search',
      'console.journalError': 'journal: {message}',
    },
    'zh-CN': {
      'console.title': 'Lifeline 监测中心 — 报警台',
      'console.name': 'Lifeline 监测中心',
      'console.sub': '报警台',
      'console.me': '已登录：{user}',
      'console.signInFailed': '登录失败：{message}',
      'console.up': '已连接中心',
      'console.down': '中心不可达',
      'console.site': '站点',
      'console.kind': '类型',
      'console.all': '全部',
      'console.shelve1h': '搁置 1 小时',
      'console.signin': '登录后可操作',
      'console.done': '{command} {alarm}：网关已执行（{state}）',
      'console.refused': '{command} {alarm}：{message}',
      'console.since': '报警时间 {at}',
      'console.colon': '：',
      'console.gateways': '网关',
      'console.gateway': '网关',
      'console.link': '链路',
      'console.lastSeen': '最近上报',
      'console.devices': '设备',
      'console.alarms': '报警',
      'console.version': '孪生版本',
      'console.backlog': '发件箱积压',
      'console.notReported': '未上报',
      'console.rejected': '拒收',
      'console.received': '接收时间',
      'console.seq': '序号',
      'console.search': '报警、设备、测点或报警类型',
      'console.searchButton': '搜索',
      'console.journalError': '报警日志：{message}',
    },
  };

  // The dashboard's L.t shows an unknown key as itself with {name} filled: give it our text as the key.
  const dashboardText = L.t;
  L.t = (key, vars = {}) => dashboardText(KEYS[L.lang()]?.[key] ?? KEYS.en[key] ?? key, vars);
})();
