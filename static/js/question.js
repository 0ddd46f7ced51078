// The question page: reorder lists, figure hotspots, exam autosave and countdown.
// Every widget works without this script; it only adds dragging, move buttons, clicking on the
// figure, autosaving and the clock, and keeps the form's own fields in step.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  function alertNow(text) {
    const region = document.getElementById("alerts");
    if (region) { region.textContent = ""; window.setTimeout(() => { region.textContent = text; }, 50); }
  }

  // ---- Ordering and ranking ---------------------------------------------------------------
  // Ordering: the list order is the answer. Ranking: items are added to (or removed from) the
  // ranked group at the top, up to the number to rank, and ordered there; the rest stay below.
  function initReorder(list) {
    if (list.dataset.ready) return;
    list.dataset.ready = "1";
    const isRanking = list.dataset.reorder === "ranking";
    const rankCount = Number(list.dataset.rankCount || 0);
    const items = () => Array.from(list.querySelectorAll(":scope > .reorder-item"));
    const ranked = () => items().filter((li) => li.dataset.ranked === "1");
    const textOf = (li) => li.querySelector(".reorder-text").textContent.trim();
    let status = null;
    if (isRanking) {
      status = document.createElement("p");
      status.className = "rank-status";
      status.setAttribute("aria-live", "polite");
      list.parentNode.insertBefore(status, list);
      items().forEach((li) => { li.dataset.ranked = li.querySelector("select").value ? "1" : "0"; });
    }

    function regroup() {
      // Ranked items stay together at the top, in their current order.
      const top = ranked();
      items().filter((li) => li.dataset.ranked !== "1").forEach((li) => list.appendChild(li));
      top.forEach((li, index) => list.insertBefore(li, items()[index]));
    }

    function sync(initial) {
      if (isRanking) regroup();
      const all = items();
      const topCount = isRanking ? ranked().length : all.length;
      all.forEach((li, index) => {
        const select = li.querySelector("select");
        const [up, down, toggle] = li.querySelectorAll(".reorder-buttons button");
        if (isRanking) {
          const isRanked = li.dataset.ranked === "1";
          select.value = isRanked ? String(index + 1) : "";
          li.classList.toggle("in-top", isRanked);
          li.classList.toggle("last-top", isRanked && index === topCount - 1);
          up.disabled = !isRanked || index === 0;
          down.disabled = !isRanked || index === topCount - 1;
          toggle.textContent = isRanked ? "Remove" : "Add";
          toggle.setAttribute("aria-label", `${isRanked ? "Remove" : "Add"} “${textOf(li)}” ${isRanked ? "from" : "to"} your top ${rankCount}`);
          toggle.disabled = !isRanked && topCount >= rankCount;
        } else {
          select.value = String(index + 1);
          up.disabled = index === 0;
          down.disabled = index === all.length - 1;
        }
      });
      if (status) status.textContent = `Your top ${rankCount}: ${topCount} of ${rankCount} chosen.`;
      if (!initial) list.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function positionText(li) {
      const index = items().indexOf(li);
      if (isRanking) {
        return li.dataset.ranked === "1" ? `rank ${index + 1} of your top ${rankCount}` : "not ranked";
      }
      return `position ${index + 1} of ${items().length}`;
    }

    function move(li, delta) {
      const all = items();
      const index = all.indexOf(li);
      const target = index + delta;
      if (target < 0 || target >= all.length) return;
      if (delta < 0) list.insertBefore(li, all[target]);
      else list.insertBefore(li, all[target].nextSibling);
      sync();
      const buttons = li.querySelectorAll(".reorder-buttons button");
      const button = buttons[delta < 0 ? 0 : 1];
      (button.disabled ? buttons[delta < 0 ? 1 : 0] : button).focus();
      li.scrollIntoView({ block: "nearest" });
      announce(`${textOf(li)}: ${positionText(li)}.`);
    }

    function toggleRanked(li) {
      li.dataset.ranked = li.dataset.ranked === "1" ? "0" : "1";
      sync();
      li.querySelectorAll(".reorder-buttons button")[2].focus();
      announce(`${textOf(li)}: ${positionText(li)}.`);
    }

    items().forEach((li) => {
      const text = textOf(li);
      const box = document.createElement("span");
      box.className = "reorder-buttons";
      for (const [label, delta, symbol] of [["up", -1, "↑"], ["down", 1, "↓"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = symbol;
        button.setAttribute("aria-label", `Move “${text}” ${label}`);
        button.addEventListener("click", () => move(li, delta));
        box.appendChild(button);
      }
      if (isRanking) {
        const toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "rank-toggle";
        toggle.addEventListener("click", () => toggleRanked(li));
        box.appendChild(toggle);
      }
      li.appendChild(box);
    });

    if (isRanking) {
      const rank = (li) => Number(li.querySelector("select").value || 999);
      items().slice().sort((a, b) => rank(a) - rank(b)).forEach((li) => list.appendChild(li));
    }

    // Pointer dragging (mouse, pen and touch alike) by the item's handle only, so a swipe
    // anywhere else scrolls the page; in a ranking, only ranked items move. Holding the item
    // near the top or bottom of the screen scrolls the page, to reach positions off-screen.
    items().forEach((li) => {
      const handle = document.createElement("span");
      handle.className = "reorder-handle";
      handle.setAttribute("aria-hidden", "true");  // keyboards use the Move buttons
      handle.title = "Drag to move";
      handle.textContent = "⠿";
      li.insertBefore(handle, li.firstChild);
    });
    let dragged = null;
    let pointer = null;
    let frame = 0;
    const EDGE = 64;

    function placeAt(x, y) {
      const over = document.elementFromPoint(x, y);
      const target = over && over.closest(".reorder-item");
      if (!target || target === dragged || target.parentElement !== list) return;
      if (isRanking && target.dataset.ranked !== "1") return;
      const rect = target.getBoundingClientRect();
      const after = y > rect.top + rect.height / 2;
      list.insertBefore(dragged, after ? target.nextSibling : target);
    }

    function autoScroll() {
      frame = 0;
      if (!dragged || !pointer) return;
      const { x, y } = pointer;
      let step = 0;
      if (y < EDGE) step = -Math.ceil((EDGE - y) / 4);
      else if (y > window.innerHeight - EDGE) step = Math.ceil((y - (window.innerHeight - EDGE)) / 4);
      if (step) {
        window.scrollBy(0, step);
        placeAt(x, y);
      }
      frame = window.requestAnimationFrame(autoScroll);
    }

    list.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest(".reorder-handle");
      const li = handle && handle.closest(".reorder-item");
      if (!li) return;
      if (isRanking && li.dataset.ranked !== "1") return;
      event.preventDefault();
      dragged = li;
      pointer = { x: event.clientX, y: event.clientY };
      li.classList.add("is-dragging");
      li.setPointerCapture(event.pointerId);
      frame = window.requestAnimationFrame(autoScroll);
    });
    // On the window: moving the item in the list ends its pointer capture, and the finger may
    // be past the list's end by then.
    window.addEventListener("pointermove", (event) => {
      if (!dragged) return;
      pointer = { x: event.clientX, y: event.clientY };
      placeAt(event.clientX, event.clientY);
    });
    const drop = () => {
      if (!dragged) return;
      window.cancelAnimationFrame(frame);
      dragged.classList.remove("is-dragging");
      const li = dragged;
      dragged = null;
      pointer = null;
      sync();
      announce(`${textOf(li)}: ${positionText(li)}.`);
    };
    window.addEventListener("pointerup", drop);
    window.addEventListener("pointercancel", drop);
    sync(true);
  }

  // ---- Hotspot -------------------------------------------------------------------------------
  function initHotspot(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    const width = Number(box.dataset.width);
    const height = Number(box.dataset.height);
    const canvas = box.querySelector(".hotspot-canvas");
    const marker = box.querySelector(".hotspot-marker");
    const x = box.querySelector("input[name=x]");
    const y = box.querySelector("input[name=y]");
    const radios = Array.from(box.querySelectorAll("input[name=region]"));

    function highlight(token) {
      box.querySelectorAll(".hotspot-overlay polygon").forEach((polygon) => {
        polygon.classList.toggle("is-focus", polygon.dataset.region === token);
      });
    }

    canvas.addEventListener("click", (event) => {
      const rect = canvas.getBoundingClientRect();
      const fx = ((event.clientX - rect.left) / rect.width) * width;
      const fy = ((event.clientY - rect.top) / rect.height) * height;
      x.value = fx.toFixed(1);
      y.value = fy.toFixed(1);
      marker.setAttribute("cx", x.value);
      marker.setAttribute("cy", y.value);
      marker.removeAttribute("hidden");
      radios.forEach((radio) => { radio.checked = false; });
      highlight(null);
      announce("Point marked on the figure.");
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    radios.forEach((radio) => {
      radio.addEventListener("focus", () => highlight(radio.value));
      radio.addEventListener("change", () => {
        x.value = "";
        y.value = "";
        marker.setAttribute("hidden", "");
        highlight(radio.value);
      });
    });
    const checked = radios.find((radio) => radio.checked);
    if (checked) highlight(checked.value);
  }

  function initWidgets(root) {
    root.querySelectorAll("[data-reorder]").forEach(initReorder);
    root.querySelectorAll("[data-hotspot]").forEach(initHotspot);
  }

  // ---- Exam: autosave, unsaved answers kept and retried, countdown ----------------------------
  function initExam(page) {
    const form = document.getElementById("answer-form");
    if (!form) return;
    const status = form.querySelector("[data-save-status]");
    const storageKey = `edu-answer-${page.dataset.attempt}-${page.dataset.position}`;
    let timer = null;
    let retryDelay = 1000;
    let unsaved = false;

    function setStatus(text, isUnsaved) {
      unsaved = isUnsaved;
      status.textContent = text;
      status.classList.toggle("is-unsaved", isUnsaved);
    }

    function fields() {
      return Array.from(new FormData(form).entries())
        .filter(([name]) => !["csrfmiddlewaretoken", "idempotency_key", "client_seq"].includes(name));
    }

    function newKey() {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
    }

    // The answer in the API's shape, from the form's field-name conventions (the same fields
    // the server reads from a plain post): choice, choices, text, pos-<token>, rank-<token>,
    // match-<token>, region, x and y.
    function answerFromForm() {
      const data = new FormData(form);
      const answer = {};
      const ordered = (prefix) => Array.from(data.entries())
        .filter(([name, value]) => name.startsWith(prefix) && value !== "")
        .map(([name, value]) => [Number(value), name.slice(prefix.length)])
        .sort((a, b) => a[0] - b[0])
        .map(([, token]) => token);
      if (data.has("choice")) answer.choice = data.get("choice");
      if (form.querySelector('[name="choices"]')) answer.choices = data.getAll("choices");
      if (data.has("text")) answer.text = data.get("text");
      if (form.querySelector('[name^="pos-"]')) answer.order = ordered("pos-");
      if (form.querySelector('[name^="rank-"]')) answer.ranking = ordered("rank-");
      if (form.querySelector('[name^="match-"]')) {
        answer.matches = {};
        data.forEach((value, name) => {
          if (name.startsWith("match-") && value) answer.matches[name.slice(6)] = value;
        });
      }
      if (data.get("region")) answer.region = data.get("region");
      else if (data.get("x") && data.get("y")) {
        answer.x = Number(data.get("x"));
        answer.y = Number(data.get("y"));
      }
      return answer;
    }

    // The latest answer the server has not confirmed: kept in localStorage the moment it is
    // chosen, sent after a short pause, and sent again with the same key and sequence number
    // (a replay changes nothing on the server) on pagehide, a retry or the next visit.
    let pending = null;
    let storedLocally = true;

    function capture() {
      pending = { seq: Date.now(), key: newKey(), fields: fields() };
      try {
        localStorage.setItem(storageKey, JSON.stringify(pending));
        storedLocally = true;
      } catch (error) { storedLocally = false; /* private mode: the pagehide send remains */ }
      return pending;
    }

    function requestFor(entry, options) {
      return Object.assign({
        method: "POST",
        body: JSON.stringify({
          answer: answerFromForm(),
          confidence: new FormData(form).get("confidence") || "",
          idempotency_key: entry.key,
          client_seq: entry.seq,
        }),
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        credentials: "same-origin",
      }, options || {});
    }

    function retryLater(text) {
      setStatus(text, true);
      timer = window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    }

    async function save() {
      window.clearTimeout(timer);
      const entry = pending || capture();
      setStatus("Saving…", unsaved);
      let response;
      try {
        response = await fetch(page.dataset.answerApi, requestFor(entry));
      } catch (error) {
        retryLater("Not saved yet (no connection): your answer is kept here and retried.");
        return;
      }
      let body = {};
      try { body = await response.json(); } catch (error) { body = {}; }
      if (response.ok) {
        retryDelay = 1000;
        page.dataset.savedSeq = String(body.client_seq || entry.seq);
        if (pending !== entry) return;  // changed again meanwhile: that answer is on its way
        pending = null;
        try { localStorage.removeItem(storageKey); } catch (error) { /* ignore */ }
        setStatus(`Saved at ${new Date().toLocaleTimeString()}.`, false);
        const current = document.querySelector('.nav-item[aria-current="page"]');
        if (current) current.classList.add("is-answered");
      } else if (response.status === 409) {
        pending = null;
        setStatus(body.detail || "This exam is closed.", true);
        alertNow(body.detail || "This exam is closed.");
        window.setTimeout(() => window.location.reload(), 1500);
      } else if (response.status === 400) {
        setStatus(body.detail || "This answer could not be saved.", true);
      } else {
        retryLater("Not saved yet (server busy): your answer is kept here and retried.");
      }
    }

    function scheduleSave() {
      window.clearTimeout(timer);
      capture();
      setStatus("Changed: saving…", true);
      timer = window.setTimeout(save, 700);
    }

    form.addEventListener("change", scheduleSave);
    form.addEventListener("input", (event) => { if (event.target.type === "text") scheduleSave(); });
    form.addEventListener("submit", (event) => { event.preventDefault(); save(); });
    // Leaving (reload, another question, closing the tab) with an answer not yet confirmed:
    // send it now; keepalive lets the request outlive the page, with the CSRF header that
    // sendBeacon cannot carry. The copy in localStorage stays until a page confirms it.
    window.addEventListener("pagehide", () => {
      if (!pending) return;
      window.clearTimeout(timer);
      try { fetch(page.dataset.answerApi, requestFor(pending, { keepalive: true })); } catch (error) { /* kept locally */ }
    });
    window.addEventListener("beforeunload", (event) => {
      if (unsaved && !storedLocally) { event.preventDefault(); event.returnValue = ""; }
    });

    // An answer this browser could not save (tab closed, connection lost) comes back and is
    // retried under its own key and sequence number.
    try {
      const stored = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (stored && stored.seq > Number(page.dataset.savedSeq || 0)) {
        restore(form, stored.fields);
        pending = { seq: stored.seq, key: stored.key || newKey(), fields: stored.fields };
        setStatus("Restored an answer that was not saved: saving it now…", true);
        save();
      } else if (stored) {
        localStorage.removeItem(storageKey);
      }
    } catch (error) { /* ignore unreadable storage */ }
  }

  function restore(form, entries) {
    const values = {};
    entries.forEach(([name, value]) => { (values[name] = values[name] || []).push(value); });
    Array.from(form.elements).forEach((element) => {
      if (!element.name || ["csrfmiddlewaretoken", "idempotency_key", "client_seq"].includes(element.name)) return;
      const wanted = values[element.name] || [];
      if (element.type === "radio" || element.type === "checkbox") element.checked = wanted.includes(element.value);
      else if (wanted.length) element.value = wanted[0];
    });
    form.querySelectorAll("[data-reorder]").forEach((list) => {
      const key = (li) => Number(li.querySelector("select").value || 999);
      Array.from(list.children).sort((a, b) => key(a) - key(b)).forEach((li) => list.appendChild(li));
    });
    const hotspot = form.querySelector("[data-hotspot]");
    if (hotspot && form.elements.x && form.elements.x.value) {
      const marker = hotspot.querySelector(".hotspot-marker");
      marker.setAttribute("cx", form.elements.x.value);
      marker.setAttribute("cy", form.elements.y.value);
      marker.removeAttribute("hidden");
    }
  }

  function spoken(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const parts = [];
    if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
    if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
    return parts.join(" ");
  }

  function initCountdown(page) {
    const deadline = Date.parse(page.dataset.deadline);
    const box = document.getElementById("countdown");
    if (!box || Number.isNaN(deadline)) return;
    const remaining = box.querySelector("[data-remaining]");
    const warnings = [300, 60, 30];
    const warned = new Set();
    function tick() {
      const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(seconds / 60);
      remaining.textContent = `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
      box.classList.toggle("is-warning", seconds <= 60);
      // One warning per threshold crossed, saying the time actually left (a page opened late
      // crosses several thresholds at once and must not announce "5 minutes" with 10 s to go).
      const due = warnings.filter((limit) => seconds <= limit && seconds > 0 && !warned.has(limit));
      if (due.length) {
        due.forEach((limit) => warned.add(limit));
        alertNow(`${spoken(seconds)} left. Your answers are saved as you go and submitted automatically at the end.`);
      }
      if (seconds === 0) {
        alertNow("Time is up. Your saved answers are being submitted.");
        window.setTimeout(() => window.location.reload(), 1200);
        return;
      }
      window.setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  // A refused answer: focus its message (read once, as the focus lands) so the learner is not
  // left on <body>; the message says which field to fix and points at it.
  function focusAnswerError(root) {
    const error = root.querySelector ? root.querySelector("#answer-error") : null;
    if (error) error.focus();
    return Boolean(error);
  }

  document.addEventListener("DOMContentLoaded", () => {
    initWidgets(document);
    focusAnswerError(document);
    const page = document.getElementById("question-page");
    if (page && page.hasAttribute("data-exam")) {
      initExam(page);
      initCountdown(page);
    }
  });

  document.body && document.body.addEventListener("htmx:afterSwap", (event) => {
    initWidgets(event.target);
    if (focusAnswerError(event.target)) return;
    const feedback = document.getElementById("feedback");
    if (feedback && event.target.contains(feedback)) feedback.focus();
  });
})();
