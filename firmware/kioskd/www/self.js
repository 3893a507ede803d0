// The applicant's screen: what to present and where, progress, and the next step. It receives
// only {phase, documents, next, cue, coach}: no reason code and no personal data ever reach this
// page. Both languages are always shown; ?lang=en puts English first (default: Chinese first).
"use strict";
(function () {
  let state = window.KIOSK_SELF || { phase: "idle", documents: 0, next: null, ready: true };
  const lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
  // A line in both languages: the first language large, the other below it.
  function el(tag, cls, zh, en) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    const [first, second] = lang === "en" ? [en, zh] : [zh, en];
    if (first !== undefined) e.appendChild(document.createTextNode(first));
    if (second !== undefined) {
      const s = document.createElement("span");
      s.className = "en";
      s.lang = lang === "en" ? "zh-CN" : "en";
      s.textContent = second;
      e.appendChild(s);
    }
    return e;
  }
  function step(title, zh, en) {
    const d = el("div", "step", zh, en);
    const b = document.createElement("b"); b.textContent = title;
    d.insertBefore(b, d.firstChild);
    return d;
  }
  function progress(n) {
    const p = el("div", "progress");
    const labels = [["1 出示证件", "Present"], ["2 核验", "Check"], ["3 下一步", "Next step"]];
    labels.forEach((l, i) => {
      const s = document.createElement("span");
      s.textContent = lang === "en" ? l[0][0] + " " + l[1] + " · " + l[0].slice(2) : l[0] + " · " + l[1];
      if (i === n) s.className = "on";
      p.appendChild(s);
    });
    return p;
  }
  // What the camera sees the applicant should do, with an icon (no personal data: only advice).
  const COACH = {
    brighter: ["☀", "请调高手机屏幕亮度", "Turn your phone's screen brightness up"],
    tilt: ["⤾", "有反光：请稍微倾斜手机或证件", "Glare: tilt your phone or the page a little"],
    closer: ["⊕", "请将二维码靠近一些", "Hold the code closer"],
    still: ["✋", "请保持不动", "Hold still for a moment"],
  };
  // Sound cues (WebAudio, generated here: nothing is fetched), one per newest verdict: a rising
  // chime when the document was accepted, a falling two-tone "go to the counter" when the officer
  // has to look at it, a single low tone when another document is needed.
  const CUES = { accept: [660, 880, 1320], counter: [587, 440], another: [330] };
  let audio = null;
  function tone(freqs) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      let t = audio.currentTime;
      for (const f of freqs) {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.2, t);
        g.gain.exponentialRampToValueAtTime(0.001, t + 0.25);
        o.connect(g); g.connect(audio.destination);
        o.start(t); o.stop(t + 0.25);
        t += 0.28;
      }
    } catch (e) { /* no audio device: the screen says it all */ }
  }
  // A cue sounds once per new verdict seen live, never for the state the page was loaded with.
  const verdictKey = (s) => s.session + ":" + s.verdict;
  let lastKey = verdictKey(state);
  function cue() {
    const key = verdictKey(state);
    if (state.cue && key !== lastKey && CUES[state.cue]) {
      tone(CUES[state.cue]);
      document.body.setAttribute("data-cue", state.cue);
    }
    lastKey = key;
  }
  function render() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    const m = document.getElementById("self-main");
    m.replaceChildren();
    m.setAttribute("data-phase", state.phase);
    m.setAttribute("data-next", state.next || "");
    m.setAttribute("data-documents", String(state.documents || 0));
    if (state.phase === "idle") {
      m.appendChild(progress(0));
      m.appendChild(el("h1", "self-title", "请出示您的工作许可证件", "Please present your work-permit document"));
      const steps = el("div", "steps");
      steps.appendChild(step("电子社保卡 · e-card", "打开手机上的二维码，对准屏幕下方的扫码窗口。", "Open the QR code on your phone and hold it to the scanner window below the screen."));
      steps.appendChild(step("通知书 / 工作许可证 · Letter / WP card", "将二维码朝上放在摄像头下方的托盘上。", "Place the letter or card, QR code up, on the tray under the camera."));
      steps.appendChild(step("社保卡 · SSC card", "将社保卡插入右侧的读卡器。", "Insert your social security card into the card reader on the right."));
      m.appendChild(steps);
      const c = COACH[state.coach];
      if (c) {
        const box = el("div", "coach");
        box.setAttribute("data-coach", state.coach);
        box.setAttribute("role", "status");
        const icon = el("span", "coach-icon", c[0]);
        icon.setAttribute("aria-hidden", "true");
        box.appendChild(icon);
        box.appendChild(el("span", "", c[1], c[2]));
        m.appendChild(box);
      }
    } else {
      m.appendChild(progress(2));
      m.appendChild(el("p", "self-title", "已读取 " + state.documents + " 份证件", "Documents read: " + state.documents));
      if (state.next === "counter") {
        m.appendChild(el("div", "next", "请到窗口办理", "Please go to the counter"));
      } else {
        m.appendChild(el("div", "next", "请出示另一份证件（或刷新手机二维码）", "Please present another document (or refresh the QR code on your phone)"));
      }
    }
    checkLayout();
  }
  // The layout's own check (as the officer page's): no horizontal scroll and nothing cut off at
  // the screen's edges; body[data-layout] is "ok" or the problems found.
  function checkLayout() {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) problems.push("hscroll");
    const main = document.getElementById("self-main");
    if (main.scrollHeight > main.clientHeight + 1) problems.push("vcut");
    for (const e of document.querySelectorAll(".self-head, .self-main *, .self-foot")) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
        problems.push("cut");
        break;
      }
    }
    document.body.setAttribute("data-layout", problems.length ? problems.join(" ") : "ok");
  }
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/self");
    ws.onmessage = (msg) => {
      try { const s = JSON.parse(msg.data); if (s.type === "self") { state = s; render(); cue(); } } catch (e) { /* ignore */ }
    };
    ws.onclose = () => setTimeout(connect, 1000);
  }
  window.addEventListener("resize", checkLayout);
  render();
  connect();
})();
