// The authoring admin, every page: give select2's autocomplete comboboxes an accessible name.
// Select2 names its combobox after the chosen value only (aria-labelledby its text), so a
// screen reader hears "---------" with no field name. Point aria-labelledby at the field's
// label as well (inline rows have no <label>: their select carries an aria-label instead).
(function () {
  "use strict";

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const container = select.nextElementSibling;
      const combobox = container && container.querySelector(".select2-selection[role=combobox]");
      if (!combobox || combobox.dataset.named) return;
      const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
      const shown = combobox.getAttribute("aria-labelledby") || "";
      if (label) {
        if (!label.id) label.id = `${select.id}-label`;
        combobox.setAttribute("aria-labelledby", `${label.id} ${shown}`.trim());
      } else if (select.getAttribute("aria-label")) {
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
      combobox.dataset.named = "1";
      // The chosen value's text is part of the combobox's name, not a text box of its own.
      container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((text) => {
        text.removeAttribute("role");
        text.removeAttribute("aria-readonly");
      });
      // A multiple choice's search box is an input of its own: name it after the field too.
      const name = label ? label.textContent.replace(/:\s*$/, "") : select.getAttribute("aria-label");
      container.querySelectorAll("input.select2-search__field").forEach((input) => {
        if (name) input.setAttribute("aria-label", `Search ${name}`);
      });
    });
    // Django's filter-box help icons carry an aria-label, which a plain span may not: an image.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  // Select2 starts on jQuery's ready and on formset:added; name what it made just after.
  window.addEventListener("load", () => {
    nameComboboxes(document);
    window.setTimeout(() => nameComboboxes(document), 0);
  });
  document.addEventListener("formset:added", (event) => {
    window.setTimeout(() => nameComboboxes(event.target.closest ? event.target : document), 0);
  });
})();
