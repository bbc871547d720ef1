// RaftRunner web monitor: renders /status, follows /monitor (Server-Sent Events), writes keys through /write.
// Plain DOM, no framework, nothing loaded from elsewhere; every piece of data goes in as text, never as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const numberFormat = new Intl.NumberFormat("en-US");
  const fmt = (n) => (n === null || n === undefined ? "—" : numberFormat.format(n));

  /** Builds an element: h("div", {class: "x"}, child, "text", …). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else el.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function bytes(n) {
    if (n === null || n === undefined) return "—";
    if (n < 1024) return `${n} B`;
    const units = ["KiB", "MiB", "GiB", "TiB"];
    let value = n / 1024, unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
  }

  function bump(el) {
    el.classList.remove("bump");
    void el.offsetWidth; // restarts the animation
    el.classList.add("bump");
  }

  function setText(el, text, animate) {
    if (el.textContent === text) return;
    el.textContent = text;
    if (animate) bump(el);
  }

  // ── theme: the system's, or light / dark as chosen (kept in localStorage) ────────────────────────────────────

  const themes = ["auto", "light", "dark"];
  function applyTheme(theme) {
    if (theme === "auto") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
    $("theme-text").textContent = theme;
  }
  let theme = "auto";
  try { theme = localStorage.getItem("raftrunner-theme") || "auto"; } catch { /* storage off */ }
  if (!themes.includes(theme)) theme = "auto";
  applyTheme(theme);
  $("theme").addEventListener("click", () => {
    theme = themes[(themes.indexOf(theme) + 1) % themes.length];
    try { localStorage.setItem("raftrunner-theme", theme); } catch { /* storage off */ }
    applyTheme(theme);
  });

  // ── rendering ────────────────────────────────────────────────────────────────────────────────────────────────

  let last = null;           // the last status rendered
  let newestEntry = 0;       // the highest entry index shown so far
  let myIndex = null;        // the index of the last write made from this page

  const roleLabel = { leader: "Leader", follower: "Follower", candidate: "Candidate", client: "Client", unknown: "Unknown" };

  function lagOf(peer, maxLag) {
    if (!peer.reachable) return { cls: "down", text: "unreachable", fill: 0 };
    if (peer.lag === null || peer.lag === undefined) return { cls: "unknown", text: "no leader", fill: 0 };
    if (peer.lag === 0) return { cls: "in-step", text: "in step", fill: 1 };
    // Log scale: one entry behind shows at once, a thousand empties the bar.
    const scale = Math.log10(1 + Math.max(1000, maxLag));
    const fill = Math.max(0.03, 1 - Math.log10(1 + peer.lag) / scale);
    return { cls: peer.lag > 100 ? "far" : "behind", text: `${fmt(peer.lag)} behind`, fill };
  }

  function stat(label, value, extra) {
    return h("div", {}, h("dt", { text: label }), h("dd", { title: extra ? `${value} ${extra}` : null }, value, extra ? h("small", {}, " ", extra) : null));
  }

  function peerCard(peer, maxLag) {
    const role = peer.reachable || peer.isSelf ? peer.role : "unknown";
    const lag = lagOf(peer, maxLag);
    const card = h("article", {
      class: ["peer", peer.isLeader && "is-leader", peer.isSelf && "is-self", !peer.reachable && "is-down"].filter(Boolean).join(" "),
      "data-peer": peer.id,
      "data-role": role,
      "data-reachable": String(peer.reachable),
    },
      h("div", { class: "peer-head" },
        peer.isLeader ? h("span", { class: "crown", title: "leader", "aria-hidden": "true" }, "★") : null,
        h("span", { class: "peer-id", text: peer.id }),
        h("span", { class: `badge role-${role}` }, roleLabel[role] || role),
        peer.isSelf ? h("span", { class: "badge self", title: "the node serving this page" }, "this node") : null,
        !peer.reachable ? h("span", { class: "badge down" }, "unreachable") : null),
      h("div", { class: "peer-url" },
        h("span", { title: peer.url, text: peer.url }),
        peer.www && !peer.isSelf && /^https?:\/\//i.test(peer.www) ? h("a", { href: peer.www, title: `this peer's own monitor: ${peer.www}` }, "monitor ↗") : null),
      h("dl", { class: "stats" },
        stat("Term", fmt(peer.term)),
        stat("Commit", fmt(peer.commitIndex)),
        stat("Applied", fmt(peer.lastApplied)),
        stat("Last index", fmt(peer.lastIndex)),
        stat("Snapshot", fmt(peer.snapshotIndex), peer.snapshotSize ? bytes(peer.snapshotSize) : null),
        stat("Prune", fmt(peer.pruneIndex))),
      h("div", { class: `lag ${lag.cls}` },
        h("div", { class: "lag-line" }, h("span", {}, "Lag"), h("b", { class: "lag-value", text: lag.text })),
        h("div", { class: "bar", role: "meter", "aria-label": `lag of ${peer.id}`, "aria-valuemin": "0", "aria-valuemax": "1", "aria-valuenow": lag.fill.toFixed(2) }, h("span"))),
      peer.error ? h("p", { class: "peer-error", text: peer.error }) : null);
    // Widths through the CSSOM: the page's content security policy allows no inline style attribute.
    card.querySelector(".bar span").style.width = `${Math.round(lag.fill * 100)}%`;
    return card;
  }

  function entryCell(entry) {
    if (entry.op === "set") {
      return h("td", { class: "entry" },
        h("span", { class: "op", text: "set " }), h("span", { class: "k", text: entry.key }), h("span", { class: "eq", text: " = " }),
        h("span", { class: "v", text: entry.value }), entry.truncated ? h("span", { class: "cut", text: " …" }) : null);
    }
    if (entry.op === "del") {
      return h("td", { class: "entry" }, h("span", { class: "op", text: "del " }), h("span", { class: "k", text: entry.key }));
    }
    if (entry.type === "checkpoint") return h("td", { class: "entry v", text: "checkpoint (leader's first entry of its term)" });
    return h("td", { class: "entry v", text: entry.summary || `${fmt(entry.size)} bytes` });
  }

  function renderEntries(entries) {
    const body = $("entries").tBodies[0];
    const rows = entries.map((entry) => {
      const time = entry.time ? new Date(entry.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
      const fresh = newestEntry > 0 && entry.index > newestEntry;
      return h("tr", { class: [fresh && "fresh", entry.index === myIndex && "mine"].filter(Boolean).join(" ") || null, "data-index": String(entry.index) },
        h("td", { class: "num", text: fmt(entry.index) }),
        h("td", { class: "num", text: fmt(entry.term) }),
        h("td", {}, h("span", { class: `type ${entry.type}`, text: entry.type })),
        entryCell(entry),
        h("td", { class: "time", title: `request id ${entry.requestId}`, text: time }));
    });
    if (rows.length === 0) rows.push(h("tr", { class: "placeholder" }, h("td", { colspan: "5", text: "No entries yet." })));
    body.replaceChildren(...rows);
    if (entries.length > 0) newestEntry = Math.max(newestEntry, entries[0].index);
  }

  function render(status) {
    const previous = last;
    last = status;
    document.title = `${status.leaderId ? "" : "⚠ "}${status.nodeId} · ${status.label} — RaftRunner monitor`;
    setText($("label"), status.label);
    setText($("self-id"), status.nodeId);
    for (const el of document.querySelectorAll(".self-id")) setText(el, status.nodeId);

    const leader = $("cluster-leader");
    setText(leader, status.leaderId || "none", previous && previous.leaderId !== status.leaderId);
    leader.classList.toggle("none", !status.leaderId);
    setText($("cluster-term"), fmt(status.term), previous && previous.term !== status.term);
    setText($("cluster-commit"), fmt(status.commitIndex), previous && previous.commitIndex !== status.commitIndex);
    const up = status.peers.filter((p) => p.reachable).length;
    setText($("cluster-peers"), `${up} / ${status.peers.length}`);
    setText($("cluster-config"), status.transitional ? "joint (changing)" : "stable");

    const banner = $("banner");
    const problems = [status.nodeError, status.entriesError].filter(Boolean);
    banner.hidden = problems.length === 0;
    banner.textContent = problems.join(" · ");

    const maxLag = Math.max(0, ...status.peers.map((p) => (p.reachable && p.lag) || 0));
    const peers = status.peers.map((p) => peerCard(p, maxLag));
    $("peers").replaceChildren(...(peers.length ? peers : [h("p", { class: "empty", text: "No peers known yet." })]));

    renderEntries(status.entries);
    // When the list reaches back to the start of the leader's log, the older entries live on only in its snapshot.
    const leaderPeer = status.peers.find((p) => p.isLeader);
    const oldest = status.entries.length ? status.entries[status.entries.length - 1].index : null;
    const compacted = leaderPeer && leaderPeer.snapshotIndex > 0 && (oldest === null || oldest <= leaderPeer.snapshotIndex + 1);
    setText($("entries-hint"), compacted
      ? `newest first, from the leader's log · entries up to ${fmt(leaderPeer.snapshotIndex)} are in its snapshot`
      : "newest first, from the leader's log");
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  // ── the live stream ──────────────────────────────────────────────────────────────────────────────────────────

  function setConnection(state, text) {
    const conn = $("conn");
    conn.dataset.state = state;
    $("conn-text").textContent = text;
  }

  let source = null;
  let retryDelay = 1000;
  let retryTimer = null;

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource("/monitor");
    source.addEventListener("open", () => {
      retryDelay = 1000;
      setConnection("live", "live");
    });
    source.addEventListener("status", (event) => {
      try {
        render(JSON.parse(event.data));
        setConnection("live", "live");
      } catch (e) {
        console.error("bad status event", e);
      }
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CONNECTING) {
        setConnection("reconnecting", "reconnecting…");
        return; // the browser retries by itself
      }
      // Closed for good (e.g. the node answered with an error): try again ourselves, backing off up to 15 s.
      setConnection("offline", `offline · retrying in ${Math.round(retryDelay / 1000)} s`);
      source.close();
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  // A first picture at once, then the stream.
  fetch("/status", { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : null))
    .then((status) => { if (status && !last) render(status); })
    .catch(() => { /* the stream will tell */ });
  connect();

  // ── the form ─────────────────────────────────────────────────────────────────────────────────────────────────

  const form = $("write-form");
  const result = $("write-result");
  const submit = $("write-submit");
  const keyInput = $("write-key");

  function showResult(state, text) {
    result.dataset.state = state;
    result.textContent = text;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // No checks here: the monitor checks (an empty key is refused with its reason), so the page and curl agree.
    const key = keyInput.value;
    const value = $("write-value").value;
    submit.disabled = true;
    showResult("busy", "Writing…");
    const started = performance.now();
    try {
      const response = await fetch("/write", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ key, value }),
      });
      const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      if (response.ok) {
        myIndex = answer.index;
        const ms = Math.round(performance.now() - started);
        showResult("ok", `✓ “${answer.key}” committed at index ${fmt(answer.index)} (${ms} ms)`);
        if (last) renderEntries(last.entries);
      } else {
        showResult("error", `✗ ${answer.error || `HTTP ${response.status}`}`);
        if (response.status === 400) keyInput.focus();
      }
    } catch (e) {
      showResult("error", `✗ the monitor could not be reached (${e.message})`);
    } finally {
      submit.disabled = false;
    }
  });
})();
