// The figure admin: draw a region's polygon by clicking its corners on the figure, or by
// keyboard (arrow keys move a cross, Shift moves it further, Enter or Space adds a corner,
// Backspace removes the last, Escape finishes). The corners go into the row's "points" field
// as JSON in the figure's own coordinates, so the form still works without this script.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function round(value) { return Math.round(value * 10) / 10; }

  function initEditor(box) {
    const width = Number(box.dataset.width);
    const height = Number(box.dataset.height);
    const svg = box.querySelector("svg");
    const step = Math.max(width, height) / 100;
    let active = null;   // the points textarea being drawn
    let points = [];
    let cursor = [width / 2, height / 2];

    const drawing = document.createElementNS(SVG, "polygon");
    drawing.setAttribute("class", "drawing");
    const corners = document.createElementNS(SVG, "g");
    corners.setAttribute("class", "drawing-corners");
    const cross = document.createElementNS(SVG, "circle");
    cross.setAttribute("class", "drawing-cursor");
    cross.setAttribute("r", String(step * 1.2));
    svg.append(drawing, corners, cross);

    const bar = document.createElement("div");
    bar.className = "region-editor-bar";
    bar.hidden = true;
    const status = document.createElement("p");
    status.className = "region-editor-status";
    status.setAttribute("role", "status");
    function button(text, action) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button";
      b.textContent = text;
      b.addEventListener("click", action);
      return b;
    }
    bar.append(
      status,
      button("Undo last corner", () => { points.pop(); update("Last corner removed."); svg.focus(); }),
      button("Clear corners", () => { points = []; update("All corners removed."); svg.focus(); }),
      button("Finish drawing", () => finish()),
    );
    box.prepend(bar);

    function rowLabel(textarea) {
      const row = textarea.closest("tr");
      const label = row && row.querySelector("input[name$='-label']");
      return (label && label.value) || "the new region";
    }

    function render() {
      drawing.setAttribute("points", points.map((p) => p.join(",")).join(" "));
      corners.replaceChildren(...points.map(([x, y]) => {
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", String(x));
        dot.setAttribute("cy", String(y));
        dot.setAttribute("r", String(step * 0.8));
        return dot;
      }));
      cross.setAttribute("cx", String(cursor[0]));
      cross.setAttribute("cy", String(cursor[1]));
    }

    function update(message) {
      if (!active) return;
      active.value = points.length ? JSON.stringify(points) : "";
      active.dispatchEvent(new Event("input", { bubbles: true }));
      render();
      const count = `${points.length} corner${points.length === 1 ? "" : "s"}`;
      const more = points.length < 3 ? "; a region needs at least three" : "";
      status.textContent = `${message} Drawing ${rowLabel(active)}: ${count}${more}.`;
    }

    function start(textarea) {
      active = textarea;
      try {
        const parsed = JSON.parse(textarea.value || "[]");
        points = Array.isArray(parsed) ? parsed.filter((p) => Array.isArray(p) && p.length === 2) : [];
      } catch (error) {
        points = [];
      }
      box.classList.add("is-drawing");
      bar.hidden = false;
      svg.setAttribute("tabindex", "0");
      svg.setAttribute("role", "application");
      svg.setAttribute("aria-label", `Figure: click the corners of ${rowLabel(textarea)}, or move the cross with the arrow keys and press Enter to add a corner.`);
      update("Drawing started.");
      box.scrollIntoView({ block: "nearest" });
      svg.focus();
    }

    function finish() {
      if (!active) return;
      const textarea = active;
      update("Drawing finished.");
      active = null;
      box.classList.remove("is-drawing");
      bar.hidden = true;
      svg.removeAttribute("tabindex");
      svg.setAttribute("role", "group");
      svg.setAttribute("aria-label", "Regions on the figure");
      points = [];
      render();
      textarea.focus();
    }

    function add(x, y) {
      x = round(Math.min(Math.max(x, 0), width));
      y = round(Math.min(Math.max(y, 0), height));
      points.push([x, y]);
      update(`Corner ${points.length} at ${x}, ${y}.`);
    }

    svg.addEventListener("click", (event) => {
      if (!active) return;
      const matrix = svg.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      cursor = [round(point.x), round(point.y)];
      add(point.x, point.y);
    });

    svg.addEventListener("keydown", (event) => {
      if (!active) return;
      const distance = event.shiftKey ? step * 5 : step;
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (moves[event.key]) {
        const [dx, dy] = moves[event.key];
        cursor = [
          round(Math.min(Math.max(cursor[0] + dx * distance, 0), width)),
          round(Math.min(Math.max(cursor[1] + dy * distance, 0), height)),
        ];
        render();
        status.textContent = `Cross at ${cursor[0]}, ${cursor[1]}.`;
      } else if (event.key === "Enter" || event.key === " ") {
        add(cursor[0], cursor[1]);
      } else if (event.key === "Backspace" || event.key === "Delete") {
        points.pop();
        update("Last corner removed.");
      } else if (event.key === "Escape") {
        finish();
      } else {
        return;
      }
      event.preventDefault();
    });

    function addDrawButton(textarea) {
      if (textarea.dataset.drawable || textarea.name.includes("__prefix__")) return;
      textarea.dataset.drawable = "1";
      const draw = button("Draw on the figure", () => start(textarea));
      draw.classList.add("draw-region");
      const name = () => draw.setAttribute("aria-label", `Draw ${rowLabel(textarea)} on the figure`);
      name();
      const row = textarea.closest("tr");
      const label = row && row.querySelector("input[name$='-label']");
      if (label) label.addEventListener("input", name);
      textarea.after(draw);
    }

    function addButtons(root) {
      root.querySelectorAll("textarea[name^='regions-'][name$='-points']").forEach(addDrawButton);
    }
    addButtons(document);
    document.addEventListener("formset:added", (event) => addButtons(event.target));
    render();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-region-editor]").forEach(initEditor);
  });
})();
