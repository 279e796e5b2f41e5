// Parley inspector: a small router over the admin API. Every view is
// built with DOM calls (never innerHTML with data), and reads with the
// admin token kept in sessionStorage.
"use strict";
(function () {
  const KEY = "parley.adminToken";
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(KEY) || "";
  let current = null; // the live view: {refresh(), typing(ev)}
  let abort = new AbortController();
  let live = null; // EventSource, when /events answers
  let liveMode = "";

  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (k === "text") n.textContent = v;
      else n.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) n.append(k.nodeType ? k : String(k));
    return n;
  }
  const enc = encodeURIComponent;
  function toast(msg, bad) {
    const t = $("toast");
    t.textContent = msg;
    t.className = "toast show" + (bad ? " bad" : "");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = "toast"), 4000);
  }

  async function api(method, path, body, signal) {
    const opt = { method, headers: { Authorization: "Bearer " + token }, signal: signal || abort.signal };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const r = await fetch("/admin/v1" + path, opt);
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    if (r.status === 401) { logout("Your token was refused."); throw new Error("unauthenticated"); }
    if (!r.ok && r.status !== 408) {
      const m = data && data.error ? data.error.message : r.statusText;
      throw new Error(m + " (" + r.status + ")");
    }
    return { status: r.status, data };
  }
  const get = async (p, s) => (await api("GET", p, undefined, s)).data;

  // --- routing -----------------------------------------------------------
  function go(path) { history.pushState(null, "", path); route(); }
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-link]");
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.button === 0) { e.preventDefault(); go(a.getAttribute("href")); }
  });
  window.addEventListener("popstate", route);

  function nav(app) {
    const n = $("nav");
    n.replaceChildren(
      el("a", { href: "/ui/", "data-link": true, "data-testid": "nav-apps" }, "Apps"),
      el("a", { href: "/ui/latest", "data-link": true, "data-testid": "nav-latest" }, "Latest"),
      ...(app ? [
        el("a", { href: "/ui/apps/" + enc(app), "data-link": true, "data-testid": "nav-app" }, app),
        el("a", { href: "/ui/apps/" + enc(app) + "/journal", "data-link": true, "data-testid": "nav-journal" }, "Journal"),
        el("a", { href: "/ui/apps/" + enc(app) + "/faults", "data-link": true, "data-testid": "nav-faults" }, "Faults"),
      ] : []));
  }

  async function route() {
    abort.abort();
    abort = new AbortController();
    current = null;
    const view = $("view");
    if (!token) { $("login").hidden = false; $("logout").hidden = true; view.replaceChildren(); nav(); $("login-token").focus(); return; }
    $("login").hidden = true; $("logout").hidden = false;
    startLive();
    const parts = location.pathname.replace(/^\/ui\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
    nav(parts[0] === "apps" ? parts[1] : null);
    view.replaceChildren(el("p", { class: "muted" }, "Loading…"));
    // Focus moves to the new view before its data comes, so it never takes
    // focus from a field the user has started typing into.
    $("main").focus({ preventScroll: true });
    try {
      if (parts.length === 0) await appsView(view);
      else if (parts[0] === "latest") await latestView(view);
      else if (parts[0] === "apps" && parts.length === 2) await appView(view, parts[1]);
      else if (parts[0] === "apps" && parts[2] === "conversations" && parts[3]) await conversationView(view, parts[1], parts[3]);
      else if (parts[0] === "apps" && parts[2] === "journal") await journalView(view, parts[1]);
      else if (parts[0] === "apps" && parts[2] === "faults") await faultsView(view, parts[1]);
      else view.replaceChildren(el("h1", {}, "Not found"), el("p", {}, el("a", { href: "/ui/", "data-link": true }, "Back to the apps")));
    } catch (e) {
      if (e.name !== "AbortError") view.replaceChildren(el("p", { class: "error", role: "alert" }, String(e.message || e)));
    }
  }

  // --- live updates: /events when it answers, else long polls --------------
  function setLive(mode) { liveMode = mode; $("live").textContent = mode === "events" ? "● live" : mode === "poll" ? "● live (polling)" : ""; }
  function startLive() {
    if (live || liveMode === "poll") return;
    if (!window.EventSource) { setLive("poll"); return; }
    let opened = false;
    live = new EventSource("/events?access_token=" + enc(token));
    live.onopen = () => { opened = true; setLive("events"); };
    live.onerror = () => {
      if (!opened || live.readyState === EventSource.CLOSED) { live.close(); live = null; setLive("poll"); if (current) current.poll && current.poll(); }
    };
    const onEvent = (e) => {
      let ev = {};
      try { ev = JSON.parse(e.data); } catch (x) { /* not JSON */ }
      const type = e.type !== "message" ? e.type : (ev.type || ev.event || "");
      if (!current) return;
      if (/typing/.test(type)) current.typing && current.typing(type, ev);
      else current.refresh && current.refresh();
    };
    live.onmessage = onEvent;
    for (const t of ["message.created", "message.updated", "message.deleted", "message.new", "reaction.added", "reaction.removed",
      "conversation.read", "read.updated", "typing.started", "typing.stopped", "conversation.created", "conversation.updated", "member.added", "member.removed"]) live.addEventListener(t, onEvent);
  }
  // pollLoop long-polls the toolkit's wait endpoint (path lists messages)
  // for messages newer than the last one seen, while the view lives and
  // /events does not answer; a wait that times out refreshes too (edits,
  // reactions and reads do not end a wait).
  async function pollLoop(path, refresh, signal) {
    const sep = path.includes("?") ? "&" : "?";
    let last = null;
    while (!signal.aborted && liveMode !== "events") {
      try {
        if (last === null) {
          const newest = await get(path + sep + "limit=1", signal);
          last = newest.length ? newest[newest.length - 1].id : "";
          await refresh(); // what came before the wait starts is shown too
        }
        const r = await api("GET", path + sep + "wait=5s" + (last ? "&after=" + enc(last) : ""), undefined, signal);
        const got = r.status === 200 ? r.data : (r.data && r.data.matched) || [];
        if (got.length) last = got[got.length - 1].id;
        await refresh();
      } catch (e) {
        if (signal.aborted) return;
        last = null;
        await new Promise((ok) => setTimeout(ok, 2000));
      }
    }
  }
  function debounce(f) { let t = null; return () => { clearTimeout(t); t = setTimeout(f, 60); }; }

  // --- views ----------------------------------------------------------------
  async function appsView(view) {
    const apps = await get("/apps");
    const fx = el("textarea", { id: "fixture-doc", rows: 6, "data-testid": "fixture-doc", placeholder: '{"apps": [...]}' });
    view.replaceChildren(
      el("h1", {}, "Apps"),
      el("ul", { class: "list", "data-testid": "app-list" }, apps.map((a) =>
        el("li", {}, el("a", { href: "/ui/apps/" + enc(a.id), "data-link": true, "data-testid": "app-" + a.id }, a.name || a.id),
          " ", el("span", { class: "muted" }, a.id + " · public key " + a.publicKey)))),
      el("form", { class: "card", "data-testid": "fixture-form", onsubmit: async (e) => {
        e.preventDefault();
        try { await api("POST", "/fixtures", fx.value); toast("Fixtures loaded"); route(); } catch (x) { toast(x.message, true); }
      } }, el("h2", {}, "Load a fixture document"), el("label", { for: "fixture-doc" }, "Fixture JSON"), fx,
        el("button", { type: "submit", "data-testid": "fixture-load" }, "Load")));
  }

  async function latestView(view) {
    const render = async () => {
      const apps = await get("/apps");
      const all = [];
      for (const a of apps) for (const m of await get("/apps/" + enc(a.id) + "/messages?limit=30")) all.push([a.id, m]);
      all.sort((x, y) => (y[1].createdAt > x[1].createdAt ? 1 : -1));
      view.replaceChildren(el("h1", {}, "Latest messages"), el("ol", { class: "list", "data-testid": "latest-list" }, all.slice(0, 50).map(([app, m]) =>
        el("li", {}, el("a", { href: "/ui/apps/" + enc(app) + "/conversations/" + enc(m.conversation), "data-link": true }, app + " / " + m.conversation),
          " ", el("b", {}, m.from || "system"), ": ", m.body, " ", el("span", { class: "muted" }, time(m.createdAt))))));
    };
    await render();
    const sig = abort.signal;
    current = { refresh: debounce(() => render().catch(() => {})), poll: () => {
      const t = setInterval(() => render().catch(() => {}), 3000);
      sig.addEventListener("abort", () => clearInterval(t));
    } };
    if (liveMode === "poll") current.poll();
  }

  async function appView(view, app) {
    const render = async () => {
      const [convs, users] = await Promise.all([get("/apps/" + enc(app) + "/conversations?limit=100"), get("/apps/" + enc(app) + "/users?limit=100")]);
      const list = Array.isArray(convs) ? convs : convs.conversations || convs.items || [];
      list.sort((a, b) => (b.lastActivityAt || b.createdAt) > (a.lastActivityAt || a.createdAt) ? 1 : -1);
      const ulist = Array.isArray(users) ? users : users.users || users.items || [];
      view.replaceChildren(
        el("h1", {}, "App " + app),
        el("div", { class: "cols" },
          el("section", { "aria-label": "Conversations" }, el("h2", {}, "Conversations"),
            el("ul", { class: "list", "data-testid": "conversation-list" }, list.map((c) =>
              el("li", {}, el("a", { href: "/ui/apps/" + enc(app) + "/conversations/" + enc(c.id), "data-link": true, "data-testid": "conversation-" + c.id }, c.title || c.id),
                " ", el("span", { class: "badge", title: "members" }, c.memberCount + " members"),
                c.unreadCount ? el("span", { class: "badge unread", title: "unread" }, c.unreadCount + " unread") : null,
                " ", el("span", { class: "muted" }, c.kind + " · " + time(c.lastActivityAt || c.createdAt)))))),
          el("section", { "aria-label": "Act" },
            userForm(app), conversationForm(app, ulist),
            el("div", { class: "card" }, el("h2", {}, "Users"), el("p", {}, ulist.map((u) => u.id).join(", "))),
            el("div", { class: "card" }, el("h2", {}, "Reset"), el("p", {}, "Empties the app (keys kept), its journal and fault rules."),
              el("button", { class: "danger", "data-testid": "reset-app", onclick: async () => {
                if (!confirm("Reset app " + app + "?")) return;
                try { await api("POST", "/apps/" + enc(app) + "/reset"); toast("App reset"); render(); } catch (x) { toast(x.message, true); }
              } }, "Reset app")))));
    };
    await render();
    const sig = abort.signal;
    current = { refresh: debounce(() => render().catch(() => {})) };
    current.poll = () => pollLoop("/apps/" + enc(app) + "/messages", render, sig);
    if (liveMode === "poll") current.poll();
  }

  function userForm(app) {
    const id = el("input", { id: "new-user-id", required: true, "data-testid": "new-user-id" });
    const name = el("input", { id: "new-user-name", "data-testid": "new-user-name" });
    return el("form", { class: "card", "data-testid": "user-form", onsubmit: async (e) => {
      e.preventDefault();
      try { await api("POST", "/apps/" + enc(app) + "/users", { id: id.value, username: id.value, displayName: name.value }); toast("User " + id.value + " created"); route(); } catch (x) { toast(x.message, true); }
    } }, el("h2", {}, "Create a user"), el("label", { for: "new-user-id" }, "Id"), id, el("label", { for: "new-user-name" }, "Display name"), name,
      el("button", { type: "submit", "data-testid": "new-user-submit" }, "Create user"));
  }
  function conversationForm(app, users) {
    const id = el("input", { id: "new-conv-id", required: true, "data-testid": "new-conv-id" });
    const title = el("input", { id: "new-conv-title", "data-testid": "new-conv-title" });
    const members = el("input", { id: "new-conv-members", "data-testid": "new-conv-members", placeholder: users.slice(0, 2).map((u) => u.id).join(", ") });
    return el("form", { class: "card", "data-testid": "conversation-form", onsubmit: async (e) => {
      e.preventDefault();
      const ms = members.value.split(",").map((s) => s.trim()).filter(Boolean);
      try {
        await api("POST", "/apps/" + enc(app) + "/conversations", { id: id.value, kind: "group", title: title.value, owner: ms[0], members: ms.map((u) => ({ user: u })) });
        go("/ui/apps/" + enc(app) + "/conversations/" + enc(id.value));
      } catch (x) { toast(x.message, true); }
    } }, el("h2", {}, "Create a conversation"), el("label", { for: "new-conv-id" }, "Id"), id, el("label", { for: "new-conv-title" }, "Title"), title,
      el("label", { for: "new-conv-members" }, "Members (user ids, comma separated; the first owns it)"), members,
      el("button", { type: "submit", "data-testid": "new-conv-submit" }, "Create conversation"));
  }

  async function conversationView(view, app, conv) {
    const base = "/apps/" + enc(app) + "/conversations/" + enc(conv);
    const [c, membersRaw] = await Promise.all([get(base), get(base + "/members?limit=100")]);
    const members = Array.isArray(membersRaw) ? membersRaw : membersRaw.members || membersRaw.items || [];
    let msgs = [];
    const typing = new Map();
    const list = el("ol", { class: "messages", "data-testid": "message-list", "aria-label": "Messages" });
    const typingLine = el("p", { class: "typing muted", "data-testid": "typing", "aria-live": "polite" });
    const wire = el("section", { class: "wire", "data-testid": "wire-panel", "aria-label": "Wire formats", hidden: true });
    const from = el("select", { id: "post-from", "data-testid": "post-from" }, members.map((m) => el("option", { value: m.user.id }, m.user.displayName || m.user.id)));
    const body = el("textarea", { id: "post-body", rows: 2, "data-testid": "post-body", required: true });
    const att = el("input", { id: "post-attachment", type: "url", "data-testid": "post-attachment", placeholder: "https://…/file.png" });
    const form = el("form", { class: "card post", "data-testid": "post-form", onsubmit: async (e) => {
      e.preventDefault();
      const m = { from: from.value, body: body.value };
      if (att.value) {
        const name = att.value.split("/").pop();
        m.attachments = [{ type: /\.(png|jpe?g|gif|webp|svg)$/i.test(name) ? "image" : "file", fileUrl: att.value, name }];
      }
      try { await api("POST", base + "/messages", m); body.value = ""; att.value = ""; await render(); } catch (x) { toast(x.message, true); }
    } }, el("label", { for: "post-from" }, "Post as"), from, el("label", { for: "post-body" }, "Message"), body,
      el("label", { for: "post-attachment" }, "Attachment URL (optional)"), att, el("button", { type: "submit", "data-testid": "post-submit" }, "Send"));

    function renderMessage(m, depth) {
      const atts = (m.attachments || []).map((a) => {
        const url = a.fileUrl || a.url || a.originalUrl || "";
        const isImage = a.type === "image" || /^image\//.test(a.mimeType || "");
        return el("div", { class: "attachment" }, isImage && url ? el("img", { src: url, alt: a.name || "image", loading: "lazy" }) : null,
          url ? el("a", { href: url, download: a.name || "", target: "_blank", rel: "noopener" }, a.name || url) : el("code", {}, JSON.stringify(a)));
      });
      return el("li", { class: "message" + (depth ? " reply" : "") + (m.deletedAt ? " deleted" : ""), "data-testid": "message", "data-id": m.id },
        el("button", { type: "button", class: "msg", "data-testid": "message-open-" + m.id, "aria-label": "Wire formats of message " + m.id, onclick: () => openWire(m.id) },
          el("span", { class: "who" }, m.sender ? (m.sender.displayName || m.from) : (m.from || "system")),
          el("span", { class: "muted" }, " " + time(m.createdAt) + " · " + m.dialect + (m.editedAt ? " · edited" : "") + (m.deletedAt ? " · recalled" : "")),
          m.pinned ? el("span", { class: "badge pin", title: "pinned" }, "📌 pinned") : null,
          el("span", { class: "body", "data-testid": "message-body" }, m.deletedAt ? "(recalled)" : m.body)),
        atts.length ? el("div", { class: "attachments" }, atts) : null,
        (m.reactions || []).length ? el("p", { class: "reactions", "data-testid": "reactions" }, m.reactions.map((r) => el("span", { class: "badge", title: (r.users || []).join(", ") }, r.name + " " + r.count))) : null,
        m.replyCount ? el("p", { class: "muted" }, m.replyCount + " replies") : null);
    }
    function draw() {
      const byParent = new Map();
      for (const m of msgs) if (m.parent) { if (!byParent.has(m.parent)) byParent.set(m.parent, []); byParent.get(m.parent).push(m); }
      const ids = new Set(msgs.map((m) => m.id));
      const out = [];
      const walk = (m, d) => { out.push(renderMessage(m, d)); for (const r of byParent.get(m.id) || []) walk(r, d + 1); };
      for (const m of msgs) if (!m.parent || !ids.has(m.parent)) walk(m, m.parent ? 1 : 0);
      list.replaceChildren(...(out.length ? out : [el("li", { class: "muted" }, "No messages yet.")]));
      const names = [...typing.keys()];
      typingLine.textContent = names.length ? names.join(", ") + (names.length > 1 ? " are" : " is") + " typing…" : "";
    }
    let drawn = "";
    async function render() {
      const got = await get(base + "/messages?limit=200&deleted=true");
      const key = JSON.stringify(got);
      if (key === drawn) return; // unchanged: keep the nodes (focus, selection)
      drawn = key;
      msgs = got;
      draw();
    }
    // actForm acts on message id as a member: react, edit, recall, read.
    function actForm(id) {
      const m = msgs.find((x) => x.id === id) || {};
      const as = el("select", { id: "act-as", "data-testid": "act-as" }, members.map((mm) => el("option", { value: mm.user.id, selected: mm.user.id === m.from }, mm.user.id)));
      const text = el("input", { id: "act-text", "data-testid": "act-text", value: "like" });
      const act = (action) => async () => {
        const b = { as: as.value, action };
        if (action === "react" || action === "unreact") b.name = text.value;
        if (action === "edit") b.body = text.value;
        try { await api("POST", "/apps/" + enc(app) + "/messages/" + enc(id) + "/actions", b); toast(action + " done"); await render(); openWire(id); } catch (x) { toast(x.message, true); }
      };
      return el("fieldset", { class: "act" }, el("legend", {}, "Act on it as a member"),
        el("label", { for: "act-as" }, "As"), as, el("label", { for: "act-text" }, "Reaction or new text"), text,
        ["react", "unreact", "edit", "recall", "read"].map((a) => el("button", { type: "button", "data-testid": "act-" + a, onclick: act(a) }, a === "read" ? "mark read" : a)));
    }
    // wireAs is the member whose eyes the wire views take ("": the app's).
    let wireAs = "";
    async function openWire(id) {
      wire.hidden = false;
      wire.replaceChildren(el("p", { class: "muted" }, "Loading…"));
      try {
        const views = await get("/apps/" + enc(app) + "/messages/" + enc(id) + "/wire" + (wireAs ? "?as=" + enc(wireAs) : ""));
        const names = Object.keys(views).sort((a, b) => (a === "parley") - (b === "parley") || a.localeCompare(b));
        const viewAs = el("select", { id: "wire-as", "data-testid": "wire-as", onchange: (ev) => { wireAs = ev.target.value; openWire(id); } },
          el("option", { value: "", selected: wireAs === "" }, "the app"),
          members.map((mm) => el("option", { value: mm.user.id, selected: mm.user.id === wireAs }, mm.user.id)));
        wire.replaceChildren(el("h2", {}, "Message " + id + " on the wire"),
          el("button", { type: "button", "data-testid": "wire-close", onclick: () => (wire.hidden = true) }, "Close"),
          el("p", {}, el("label", { for: "wire-as" }, "Seen by "), viewAs),
          actForm(id),
          el("div", { class: "wire-grid" }, names.map((n) => el("figure", { "data-testid": "wire-" + n }, el("figcaption", {}, n),
            el("pre", { tabindex: 0 }, JSON.stringify(views[n], null, 2))))));
        wire.scrollIntoView({ block: "nearest" });
      } catch (x) { wire.replaceChildren(el("p", { class: "error" }, x.message)); }
    }
    view.replaceChildren(
      el("h1", {}, c.title || c.id, " ", el("span", { class: "muted small" }, c.kind + " · " + c.memberCount + " members")),
      el("p", { class: "muted", "data-testid": "members" }, "Members: " + members.map((m) => m.user.id + (m.role && m.role !== "member" ? " (" + m.role + ")" : "")).join(", ")),
      el("div", { class: "conv" }, el("div", {}, list, typingLine, form), wire));
    await render();
    const sig = abort.signal;
    current = {
      refresh: debounce(() => render().catch(() => {})),
      typing: (type, ev) => {
        const who = ev.user || ev.userId || (ev.data && (ev.data.user || ev.data.userId)) || "someone";
        const where = ev.conversation || ev.conversationId || (ev.data && (ev.data.conversation || ev.data.conversationId));
        if (where && where !== conv) return;
        if (/stop/.test(type)) typing.delete(who); else typing.set(who, Date.now());
        draw();
      },
      poll: () => pollLoop(base + "/messages", render, sig),
    };
    if (liveMode === "poll") current.poll();
  }

  async function journalView(view, app) {
    const f = {};
    const filters = el("form", { class: "filters", "data-testid": "journal-filters", onsubmit: (e) => { e.preventDefault(); render(); } },
      ["dialect", "status", "user", "route"].map((k) => { f[k] = el("input", { id: "jf-" + k, "data-testid": "journal-" + k, size: 12 }); return el("span", {}, el("label", { for: "jf-" + k }, k), f[k]); }),
      el("button", { type: "submit", "data-testid": "journal-apply" }, "Filter"),
      el("button", { type: "button", "data-testid": "journal-clear", onclick: async () => { await api("DELETE", "/apps/" + enc(app) + "/journal"); render(); } }, "Clear journal"));
    const table = el("div", { "data-testid": "journal-list" });
    async function render() {
      const q = Object.entries(f).filter(([, v]) => v.value).map(([k, v]) => k + "=" + enc(v.value)).join("&");
      const rows = await get("/apps/" + enc(app) + "/journal?limit=200" + (q ? "&" + q : ""));
      table.replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, ["seq", "time", "dialect", "method", "route / path", "status", "ms", "user", "fault"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.slice().reverse().map((j) => {
          const row = el("tr", { class: j.status >= 400 || j.fault ? "bad" : "" },
            el("td", {}, j.seq), el("td", {}, time(j.time)), el("td", {}, j.dialect), el("td", {}, j.method),
            el("td", {}, el("button", { type: "button", class: "link", "data-testid": "journal-open-" + j.seq, "aria-expanded": "false", onclick: (e) => {
              const open = row.nextSibling && row.nextSibling.classList.contains("detail");
              if (open) { row.nextSibling.remove(); e.target.setAttribute("aria-expanded", "false"); return; }
              e.target.setAttribute("aria-expanded", "true");
              row.after(el("tr", { class: "detail" }, el("td", { colspan: 9 }, el("div", { class: "wire-grid" },
                el("figure", {}, el("figcaption", {}, "request"), el("pre", {}, j.method + " " + j.path + (j.query ? "?" + j.query : "") + "\n" + Object.entries(j.headers || {}).map(([k, v]) => k + ": " + v).join("\n") + "\n\n" + pretty(j.request))),
                el("figure", {}, el("figcaption", {}, "response " + j.status), el("pre", {}, pretty(j.response)))))));
            } }, j.route || j.path)),
            el("td", {}, j.cut ? "cut" : j.status), el("td", {}, (j.durationMs || 0).toFixed(1)), el("td", {}, j.user || ""), el("td", {}, j.fault || ""));
          return row;
        }))));
    }
    view.replaceChildren(el("h1", {}, "Journal of " + app), filters, table);
    await render();
    current = { refresh: debounce(() => render().catch(() => {})) };
  }

  async function faultsView(view, app) {
    const base = "/apps/" + enc(app) + "/faults";
    const f = {};
    const field = (k, attrs) => { f[k] = el("input", Object.assign({ id: "ff-" + k, "data-testid": "fault-" + k, size: 14 }, attrs || {})); return el("span", {}, el("label", { for: "ff-" + k }, k), f[k]); };
    const form = el("form", { class: "card filters", "data-testid": "fault-form", onsubmit: async (e) => {
      e.preventDefault();
      const rule = {};
      for (const k of ["dialect", "method", "route", "user", "message"]) if (f[k].value) rule[k] = f[k].value;
      for (const k of ["status", "times", "latencyMs"]) if (f[k].value) rule[k] = Number(f[k].value);
      try { await api("POST", base, rule); toast("Fault rule added"); render(); } catch (x) { toast(x.message, true); }
    } }, el("h2", {}, "Add a fault rule"), field("dialect", { placeholder: "channelize" }), field("method", { placeholder: "POST" }),
      field("route", { placeholder: "/v2/messages/send" }), field("user"), field("status", { type: "number", min: 400, max: 599, placeholder: "503" }),
      field("message"), field("times", { type: "number", min: 0, value: "1" }), field("latencyMs", { type: "number", min: 0 }),
      el("button", { type: "submit", "data-testid": "fault-add" }, "Add rule"));
    const list = el("ul", { class: "list", "data-testid": "fault-list" });
    async function render() {
      const rules = await get(base);
      list.replaceChildren(...(rules.length ? rules.map((r) => el("li", { "data-testid": "fault-rule", "data-id": r.id },
        el("code", {}, [r.dialect, r.method, r.route, r.user && "user " + r.user].filter(Boolean).join(" ") || "every request"), " → ",
        r.cut ? "cut" : (r.status || "") + (r.latencyMs ? " after " + r.latencyMs + " ms" : ""), r.times ? " · " + r.times + " times" : " · always",
        " · ", el("b", { "data-testid": "fault-hits" }, r.hits + " hits"), " ",
        el("button", { type: "button", "data-testid": "fault-remove-" + r.id, onclick: async () => { await api("DELETE", base + "/" + enc(r.id)); render(); } }, "Remove")))
        : [el("li", { class: "muted" }, "No fault rules.")]));
    }
    view.replaceChildren(el("h1", {}, "Fault rules of " + app), form, el("h2", {}, "Rules"), list,
      el("button", { type: "button", "data-testid": "fault-refresh", onclick: () => render() }, "Refresh hits"));
    await render();
    current = { refresh: debounce(() => render().catch(() => {})) };
  }

  function pretty(s) { if (!s) return ""; try { return JSON.stringify(JSON.parse(s), null, 2); } catch (e) { return s; } }
  function time(t) { if (!t) return ""; const d = new Date(t); return isNaN(d) ? t : d.toLocaleString(); }

  // --- session -----------------------------------------------------------------
  function logout(msg) {
    token = ""; sessionStorage.removeItem(KEY);
    if (live) { live.close(); live = null; }
    setLive("");
    $("login-error").textContent = msg || "";
    route();
  }
  $("logout").addEventListener("click", () => logout());
  $("login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const t = $("login-token").value.trim();
    const r = await fetch("/admin/v1/apps", { headers: { Authorization: "Bearer " + t } });
    if (!r.ok) { $("login-error").textContent = "That token was refused (" + r.status + ")."; return; }
    token = t; sessionStorage.setItem(KEY, t); $("login-token").value = ""; $("login-error").textContent = "";
    route();
  });
  route();
})();
