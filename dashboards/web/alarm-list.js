// The active-alarm list as operators read it: warning level, what and where in words, raise time and
// last change, value at raise and now, who acked or shelved and when with their comment; a comment box
// for ack and shelve (required to shelve the urgent priorities, alarms.shelveCommentUpTo).
// Unacknowledged alarms blink (style.css .blink) until acknowledged.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const { el } = L;
  const UNACKED = new Set(['unacknowledged', 'returned-unacknowledged']);
  const INFORMATIONAL = new Set(['flood', 'chatter']);

  /** Sorted: priority, then newest raise first. */
  L.sortAlarms = (alarms, factsOf) =>
    [...alarms].sort(
      (a, b) =>
        a.priority - b.priority ||
        String(factsOf(b.alarmId).raisedAt || b.detectedAt).localeCompare(String(factsOf(a.alarmId).raisedAt || a.detectedAt)),
    );

  /**
   * Renders `alarms` into the list `host`. ctx: { factsOf(id), names, valueNow(device, point), canOperate,
   * shelveCommentUpTo, command(name, body) }. Typed comments and focus survive a re-render.
   */
  L.renderAlarmList = (host, alarms, ctx) => {
    const typed = new Map([...host.querySelectorAll('input.comment')].map((i) => [i.dataset.for, i.value]));
    const focused = document.activeElement?.classList.contains('comment') ? document.activeElement.dataset.for : undefined;
    const items = L.sortAlarms(alarms, ctx.factsOf).map((a) => alarmItem(a, ctx, typed.get(a.alarmId) || ''));
    host.replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, L.t('alarms.none'))]));
    if (focused) host.querySelector(`input.comment[data-for="${CSS.escape(focused)}"]`)?.focus();
  };

  /** Refreshes the "now" values in place (readings arrive often; the list is not rebuilt for them). */
  L.refreshAlarmValues = (host, ctx) => {
    for (const span of host.querySelectorAll('[data-now]')) {
      const [device, point] = span.dataset.now.split('/');
      span.textContent = nowText(ctx.valueNow(device, point), span.dataset.unit);
    }
  };

  const nowText = (r, unit) => (r && r.value !== undefined && r.quality !== 'bad' ? `${L.fmt(r.value)} ${unit}`.trim() : '—');

  function alarmItem(a, ctx, comment) {
    const facts = ctx.factsOf(a.alarmId);
    const raisedAt = facts.raisedAt || a.detectedAt;
    const atRaise = { ...a, value: facts.raiseValue ?? a.value };
    const hasPoint = a.condition !== 'comm' && a.condition !== 'action';
    return el(
      'li',
      { class: `p-${a.colour} ${a.state}${UNACKED.has(a.state) ? ' blink' : ''}`, 'data-alarm': a.alarmId, 'data-state': a.state },
      el('span', { class: 'level' }, L.level(a.priority)),
      el(
        'span',
        { class: 'what' },
        el('a', { class: 'plain', href: `#/device/${encodeURIComponent(a.device)}` }, L.alarmWhat(a, ctx.names)),
      ),
      el('span', { class: 'state' }, L.word('state', a.state)),
      el('span', { class: 'meta detail' }, L.alarmDetail(atRaise)),
      el(
        'span',
        { class: 'meta times' },
        el('span', { class: 'raised' }, `${L.t('alarms.raised')} ${L.time(raisedAt)}`),
        a.detectedAt !== raisedAt ? el('span', { class: 'changed' }, ` · ${L.t('alarms.changed')} ${L.time(a.detectedAt)}`) : null,
        hasPoint
          ? el(
              'span',
              { class: 'values' },
              ` · ${L.t('alarms.atRaise')} ${L.fmt(atRaise.value)} ${a.unit} · ${L.t('alarms.now')} `,
              el('span', { 'data-now': `${a.device}/${a.point}`, 'data-unit': a.unit }, nowText(ctx.valueNow(a.device, a.point), a.unit)),
            )
          : null,
      ),
      actLine('ack', facts.ack, 'alarms.ackedBy'),
      actLine('shelve', a.state === 'shelved' ? facts.shelve : undefined, 'alarms.shelvedBy', a.shelvedUntil),
      ctx.canOperate ? actions(a, ctx, comment) : el('span', { class: 'actions hint' }, L.t('alarms.signin')),
    );
  }

  function actLine(kind, act, key, until) {
    if (!act) return null;
    const text = L.t(key, { user: act.user || '?', at: L.time(act.at) });
    return el(
      'span',
      { class: `meta act act-${kind}` },
      text,
      until ? ` ${L.t('alarms.shelvedUntil', { at: L.time(until) })}` : '',
      act.comment ? el('q', { class: 'comment-text' }, act.comment) : null,
    );
  }

  function actions(a, ctx, typed) {
    // Flood and chatter alarms are the analytics' own: nothing to acknowledge or shelve (the gateway refuses both).
    if (INFORMATIONAL.has(a.condition)) return el('span', { class: 'actions informational' }, L.t('alarms.informational'));
    const needsComment = a.priority <= ctx.shelveCommentUpTo;
    const box = el('input', {
      class: 'comment',
      type: 'text',
      maxlength: 500,
      'data-for': a.alarmId,
      'aria-label': L.t('alarms.comment'),
      placeholder: L.t(needsComment ? 'alarms.commentRequired' : 'alarms.comment', { p: L.level(a.priority) }),
    });
    box.value = typed;
    const body = (extra) => {
      const comment = box.value.trim();
      return { alarmId: a.alarmId, ...extra, ...(comment ? { comment } : {}) };
    };
    const ackable = UNACKED.has(a.state);
    return el(
      'span',
      { class: 'actions' },
      box,
      ackable
        ? el('button', { type: 'button', 'data-action': 'ack', onclick: () => ctx.command('ack', body({})) }, L.t('action.ack'))
        : null,
      a.state === 'shelved'
        ? el(
            'button',
            { type: 'button', 'data-action': 'unshelve', onclick: () => ctx.command('unshelve', body({})) },
            L.t('action.unshelve'),
          )
        : shelveControl(a, box, needsComment, ctx, body),
    );
  }

  function shelveControl(a, box, needsComment, ctx, body) {
    const select = el(
      'select',
      { 'aria-label': L.t('action.shelveFor') },
      el('option', { value: String(15 * 60000) }, '15 min'),
      el('option', { value: String(60 * 60000) }, '1 h'),
      el('option', { value: String(8 * 60 * 60000) }, '8 h'),
    );
    const shelve = () => {
      if (needsComment && !box.value.trim()) {
        ctx.notify(L.t('alarms.commentNeeded', { p: L.level(a.priority) }), true);
        box.classList.add('missing');
        box.focus();
        return;
      }
      ctx.command('shelve', body({ durationMs: Number(select.value) }));
    };
    return el(
      'span',
      { class: 'shelve' },
      select,
      el('button', { type: 'button', 'data-action': 'shelve', onclick: shelve }, L.t('action.shelve')),
    );
  }
})();
