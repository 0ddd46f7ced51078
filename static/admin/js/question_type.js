// Question admin: show only the part inlines and settings the chosen question type uses.
"use strict";
(function () {
  const INLINE_TYPES = {
    "options-group": ["single", "multiple", "true_false", "ranking"],
    "accepted_answers-group": ["short_answer"],
    "order_items-group": ["ordering"],
    "match_pairs-group": ["matching"],
    "targets-group": ["hotspot"],
  };
  const FIELD_TYPES = {
    "field-scoring": ["multiple", "ordering"],
    "field-rank_count": ["ranking"],
    "field-figure": ["hotspot"],
  };

  function hasRows(group) {
    return Array.from(group.querySelectorAll("tr.form-row:not(.empty-form) input[type=text]"))
      .some((input) => input.value.trim() !== "");
  }

  function update(select) {
    const type = select.value;
    for (const [id, types] of Object.entries(INLINE_TYPES)) {
      const group = document.getElementById(id);
      if (group) group.hidden = type !== "" && !types.includes(type) && !hasRows(group);
    }
    for (const [cls, types] of Object.entries(FIELD_TYPES)) {
      const row = document.querySelector(".form-row." + cls);
      if (row) row.hidden = type !== "" && !types.includes(type);
    }
    const settings = document.querySelector("fieldset.type-settings");
    if (settings) settings.hidden = !Array.from(settings.querySelectorAll(".form-row")).some((r) => !r.hidden);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const select = document.getElementById("id_type");
    if (!select) return;
    select.addEventListener("change", () => update(select));
    update(select);
  });
})();
