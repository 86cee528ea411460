// Annunciation (ISA-18.2 §11, EEMUA 191 §4): an unacknowledged alarm blinks (CSS, alarm-list.js) and
// sounds until acknowledged; the tone and its repeat follow the most urgent unacknowledged priority.
// The tone is a Web Audio oscillator: no sound file, nothing fetched. Silence stops the sound of the
// alarms annunciated so far without acknowledging them; a new alarm sounds again. The page title
// carries the unacknowledged count, so a background tab still shows it.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;

  /** Per priority: tone (Hz), beeps per burst, repeat (ms; 0 = once). I is fast and high, IV one soft beep. */
  const TONES = {
    1: { hz: 880, beeps: 3, everyMs: 2000 },
    2: { hz: 660, beeps: 2, everyMs: 4000 },
    3: { hz: 523, beeps: 1, everyMs: 8000 },
    4: { hz: 440, beeps: 1, everyMs: 0 },
  };
  const UNACKED = new Set(['unacknowledged', 'returned-unacknowledged']);
  const BASE_TITLE = () => L.t('title');

  let ctx;
  let timer;
  let playing; // the priority whose pattern repeats now
  let pending = []; // alarm ids sounding, not yet silenced
  const silenced = new Set(); // alarm id + detectedAt of the raise that was silenced

  function context() {
    const Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return undefined;
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    return ctx;
  }

  function beep(hz, atS, lengthS) {
    const c = context();
    if (!c) return;
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = 'square';
    osc.frequency.value = hz;
    gain.gain.value = 0.15;
    osc.connect(gain);
    gain.connect(c.destination);
    osc.start(c.currentTime + atS);
    osc.stop(c.currentTime + atS + lengthS);
  }

  function burst(priority) {
    const tone = TONES[priority];
    for (let i = 0; i < tone.beeps; i++) beep(tone.hz, i * 0.3, 0.18);
  }

  function stop() {
    clearInterval(timer);
    timer = undefined;
    playing = undefined;
  }

  function play(priority) {
    if (playing === priority) return;
    stop();
    playing = priority;
    burst(priority);
    const every = TONES[priority].everyMs;
    if (every) timer = setInterval(() => burst(priority), every);
  }

  const keyOf = (a, facts) => `${a.alarmId}@${facts?.raisedAt || a.detectedAt}`;

  /**
   * Called with every active alarm (and its facts) whenever they change: sounds the most urgent
   * unacknowledged, unsilenced one, updates the title and the silence button.
   */
  L.annunciate = (alarms, factsOf) => {
    const unacked = alarms.filter((a) => UNACKED.has(a.state));
    const loud = unacked.filter((a) => !silenced.has(keyOf(a, factsOf(a.alarmId))));
    pending = loud.map((a) => keyOf(a, factsOf(a.alarmId)));
    document.title = unacked.length ? `(${unacked.length}) ${BASE_TITLE()}` : BASE_TITLE();
    const button = document.getElementById('silence');
    if (button) {
      button.hidden = unacked.length === 0;
      button.disabled = loud.length === 0;
      button.textContent = L.t(loud.length ? 'alarms.silence' : 'alarms.silenced');
    }
    // P4 sounds once per new alarm: a repeat of the same priority must not beep again.
    if (loud.length) play(Math.min(...loud.map((a) => a.priority)));
    else stop();
  };

  /** Silences what sounds now; the alarms stay unacknowledged and keep blinking. */
  L.silence = () => {
    for (const key of pending) silenced.add(key);
    pending = [];
    stop();
    const button = document.getElementById('silence');
    if (button) {
      button.disabled = true;
      button.textContent = L.t('alarms.silenced');
    }
  };

  // Browsers start audio only after a gesture on the page: the first click or key unlocks it.
  const unlock = () => context();
  document.addEventListener('click', unlock, { once: true });
  document.addEventListener('keydown', unlock, { once: true });
})();
