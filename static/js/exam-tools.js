// The exam-screen tools on a question page: strike out options, highlight the stem, a note.
// What the learner marks is saved with the attempt through the API (the latest save wins), so a
// reload keeps it; none of it changes the answer. The page works without this script (the note
// form posts; marking for review is a form), which only adds strike-out and highlighting.
(function () {
  "use strict";

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  function init(panel) {
    const stateNode = document.getElementById("tools-state");
    const noteForm = panel.querySelector(".note-form");
    const stem = document.querySelector(".question-card .stem");
    if (!stateNode || !noteForm || !stem) return;
    const state = JSON.parse(stateNode.textContent);
    const note = noteForm.querySelector("textarea");
    const noteStatus = document.getElementById("note-status");
    let timer = null;
    let lastSelection = null;

    // --- Saving ---------------------------------------------------------------------------

    async function save(what) {
      window.clearTimeout(timer);
      state.note = note.value;
      let response;
      try {
        response = await fetch(panel.dataset.toolsApi, {
          method: "PUT",
          body: JSON.stringify({
            struck: state.struck,
            highlights: state.highlights,
            note: state.note,
            client_seq: Date.now(),
          }),
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            "X-CSRFToken": noteForm.elements.csrfmiddlewaretoken.value,
          },
          credentials: "same-origin",
        });
      } catch (error) {
        noteStatus.textContent = "Not saved (no connection): retrying…";
        timer = window.setTimeout(() => save(what), 3000);
        return;
      }
      let body = {};
      try { body = await response.json(); } catch (error) { body = {}; }
      if (response.ok) {
        if (what === "note") noteStatus.textContent = `Note saved at ${new Date().toLocaleTimeString()}.`;
      } else {
        const message = body.detail || "Could not save: reload the page.";
        noteStatus.textContent = message;
        announce(message);
      }
    }

    // --- Striking out options -------------------------------------------------------------

    function initStrikes() {
      const form = document.getElementById("answer-form");
      if (!form) return;
      form.querySelectorAll('input[name="choice"], input[name="choices"]').forEach((input) => {
        const label = input.closest("label.option");
        if (!label || label.parentElement.classList.contains("option-row")) return;
        const text = label.textContent.trim();
        const row = document.createElement("div");
        row.className = "option-row";
        label.parentNode.insertBefore(row, label);
        row.appendChild(label);
        const button = document.createElement("button");
        button.type = "button";
        button.className = "strike-toggle";
        button.textContent = "✕";
        button.setAttribute("aria-label", `Strike out: ${text}`);
        row.appendChild(button);
        const show = () => {
          const struck = state.struck.includes(input.value);
          button.setAttribute("aria-pressed", struck ? "true" : "false");
          button.title = struck ? "Undo strike-out" : "Strike out";
          label.classList.toggle("is-struck", struck);
        };
        button.addEventListener("click", () => {
          const struck = state.struck.includes(input.value);
          state.struck = struck
            ? state.struck.filter((token) => token !== input.value)
            : state.struck.concat([input.value]);
          show();
          announce(struck ? `${text}: strike-out undone.` : `${text}: struck out.`);
          save("struck");
        });
        show();
      });
    }

    // --- Highlighting the stem ----------------------------------------------------------------

    function textNodes() {
      const walker = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let start = 0;
      while (walker.nextNode()) {
        nodes.push({ node: walker.currentNode, start: start });
        start += walker.currentNode.data.length;
      }
      return nodes;
    }

    function paint() {
      stem.querySelectorAll("mark.hl").forEach((mark) => {
        mark.replaceWith(...mark.childNodes);
      });
      stem.normalize();
      textNodes().forEach(({ node, start }) => {
        const end = start + node.data.length;
        const cuts = state.highlights
          .filter(([from, to]) => from < end && to > start)
          .map(([from, to]) => [Math.max(from, start) - start, Math.min(to, end) - start]);
        if (!cuts.length) return;
        const fragment = document.createDocumentFragment();
        let at = 0;
        cuts.forEach(([from, to]) => {
          if (from > at) fragment.appendChild(document.createTextNode(node.data.slice(at, from)));
          const mark = document.createElement("mark");
          mark.className = "hl";
          mark.textContent = node.data.slice(from, to);
          fragment.appendChild(mark);
          at = to;
        });
        if (at < node.data.length) fragment.appendChild(document.createTextNode(node.data.slice(at)));
        node.replaceWith(fragment);
      });
    }

    function offsetIn(container, offset) {
      const range = document.createRange();
      range.selectNodeContents(stem);
      range.setEnd(container, offset);
      return range.toString().length;
    }

    document.addEventListener("selectionchange", () => {
      const selection = document.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      const range = selection.getRangeAt(0);
      if (!stem.contains(range.startContainer) || !stem.contains(range.endContainer)) return;
      lastSelection = [offsetIn(range.startContainer, range.startOffset),
        offsetIn(range.endContainer, range.endOffset)];
    });

    function merge(ranges) {
      const merged = [];
      ranges.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]).forEach(([from, to]) => {
        const last = merged[merged.length - 1];
        if (last && from <= last[1]) last[1] = Math.max(last[1], to);
        else merged.push([from, to]);
      });
      return merged;
    }

    function initHighlighter() {
      const highlight = panel.querySelector('[data-tool="highlight"]');
      const clear = panel.querySelector('[data-tool="clear-highlights"]');
      const help = document.getElementById("highlight-help");
      [highlight, clear, help].forEach((element) => { if (element) element.hidden = false; });
      highlight.addEventListener("click", () => {
        if (!lastSelection || lastSelection[0] >= lastSelection[1]) {
          announce("Select words in the question first, then press Highlight.");
          return;
        }
        state.highlights = merge(state.highlights.concat([lastSelection]));
        const words = stem.textContent.slice(lastSelection[0], lastSelection[1]).trim();
        lastSelection = null;
        const selection = document.getSelection();
        if (selection) selection.removeAllRanges();
        paint();
        announce(`Highlighted: ${words}`);
        save("highlights");
      });
      clear.addEventListener("click", () => {
        state.highlights = [];
        paint();
        announce("Highlights cleared.");
        save("highlights");
      });
    }

    // --- The note -------------------------------------------------------------------------

    note.addEventListener("input", () => {
      window.clearTimeout(timer);
      noteStatus.textContent = "Saving…";
      timer = window.setTimeout(() => save("note"), 800);
    });
    noteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      save("note");
    });

    paint();
    initHighlighter();
    initStrikes();
    // A refused answer comes back as a new form (htmx): give its options their buttons again.
    document.body.addEventListener("htmx:afterSwap", initStrikes);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.getElementById("exam-tools");
    if (panel && panel.dataset.toolsApi && panel.querySelector(".note-form")) init(panel);
  });
})();
