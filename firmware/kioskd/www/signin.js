// The officer's sign-in: posts the name and password as JSON to /api/signin (same origin only;
// the session comes back as an HttpOnly cookie that no script can read), then opens the console.
"use strict";
(function () {
  const form = document.getElementById("signin");
  const message = document.getElementById("message");
  const texts = {
    401: "账号或密码错误 · Wrong name or password",
    429: "尝试次数过多，请稍候 · Too many attempts: wait ",
    503: "系统繁忙，请重试 · Busy: try again",
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    message.textContent = "";
    const body = JSON.stringify({
      name: document.getElementById("name").value,
      password: document.getElementById("password").value,
    });
    document.getElementById("password").value = "";
    try {
      const r = await fetch("/api/signin", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: body,
        credentials: "same-origin",
        cache: "no-store",
      });
      if (r.ok) {
        location.replace("/officer");
        return;
      }
      let text = texts[r.status] || "登录失败 · Sign-in failed (" + r.status + ")";
      if (r.status === 429) text += (r.headers.get("Retry-After") || "?") + " s";
      message.textContent = text;
    } catch (e) {
      message.textContent = "无法连接 · Cannot reach the kiosk";
    }
  });
})();
