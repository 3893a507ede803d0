// The applicant's screen: what to present and where, progress, and the next step. It receives
// only {phase, documents, next}: no reason code and no personal data ever reach this page.
"use strict";
(function () {
  let state = window.KIOSK_SELF || { phase: "idle", documents: 0, next: null, ready: true };
  function el(tag, cls, zh, en) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (zh !== undefined) e.appendChild(document.createTextNode(zh));
    if (en !== undefined) { const s = document.createElement("span"); s.className = "en"; s.textContent = en; e.appendChild(s); }
    return e;
  }
  function step(title, zh, en) {
    const d = el("div", "step");
    const b = document.createElement("b"); b.textContent = title; d.appendChild(b);
    d.appendChild(document.createTextNode(zh));
    const s = document.createElement("span"); s.className = "en"; s.textContent = en; d.appendChild(s);
    return d;
  }
  function progress(n) {
    const p = el("div", "progress");
    const labels = [["1 出示证件", "Present"], ["2 核验", "Check"], ["3 下一步", "Next step"]];
    labels.forEach((l, i) => {
      const s = document.createElement("span");
      s.textContent = l[0] + " · " + l[1];
      if (i === n) s.className = "on";
      p.appendChild(s);
    });
    return p;
  }
  function render() {
    const m = document.getElementById("self-main");
    m.replaceChildren();
    m.setAttribute("data-phase", state.phase);
    m.setAttribute("data-next", state.next || "");
    if (state.phase === "idle") {
      m.appendChild(progress(0));
      m.appendChild(el("h1", "self-title", "请出示您的工作许可证件", "Please present your work-permit document"));
      const steps = el("div", "steps");
      steps.appendChild(step("电子社保卡 · e-card", "打开手机上的二维码，对准屏幕下方的扫码窗口。", "Open the QR code on your phone and hold it to the scanner window below the screen."));
      steps.appendChild(step("通知书 / 工作许可证 · Letter / WP card", "将二维码朝上放在摄像头下方的托盘上。", "Place the letter or card, QR code up, on the tray under the camera."));
      steps.appendChild(step("社保卡 · SSC card", "将社保卡插入右侧的读卡器。", "Insert your social security card into the card reader on the right."));
      m.appendChild(steps);
      return;
    }
    m.appendChild(progress(2));
    m.appendChild(el("p", "self-title", "已读取 " + state.documents + " 份证件", "Documents read: " + state.documents));
    if (state.next === "counter") {
      m.appendChild(el("div", "next", "请到窗口办理", "Please go to the counter"));
    } else {
      m.appendChild(el("div", "next", "请出示另一份证件（或刷新手机二维码）", "Please present another document (or refresh the QR code on your phone)"));
    }
  }
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/self");
    ws.onmessage = (msg) => {
      try { const s = JSON.parse(msg.data); if (s.type === "self") { state = s; render(); } } catch (e) { /* ignore */ }
    };
    ws.onclose = () => setTimeout(connect, 1000);
  }
  render();
  connect();
})();
