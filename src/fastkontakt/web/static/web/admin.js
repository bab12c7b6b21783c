// The admin's accessibility fixes (ADR 0016): Django's admin leaves some fields without an
// accessible name (the columns of a tabular inline, the two halves of a date and time, the
// autocomplete widgets) and gives its filter icons an aria-label without a role. Each is named
// from the label or the column header the sighted user reads. A MutationObserver catches the
// widgets that the admin's own scripts add after loading (autocomplete, filters, new rows).
"use strict";

(function () {
  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function hasName(field) {
    if (field.getAttribute("aria-label") || field.getAttribute("aria-labelledby")) return true;
    if (field.closest("label")) return true;
    return Boolean(field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`));
  }

  function columnHeader(field) {
    const cell = field.closest("td");
    const table = field.closest("table");
    if (!cell || !table) return "";
    const headers = table.querySelectorAll("thead th");
    const index = Array.prototype.indexOf.call(cell.parentElement.children, cell);
    return text(headers[index]);
  }

  function nameField(field) {
    if (field.type === "hidden" || hasName(field)) return;
    // the halves of a split date and time: the label names the field without its suffix
    const split = /^(.*)_([01])$/.exec(field.id || "");
    if (split) {
      const box = field.closest("p.datetime");
      const label =
        document.querySelector(`label[for="${CSS.escape(split[1])}"]`) ||
        (box && box.parentElement.querySelector("label"));
      if (label) {
        field.setAttribute("aria-label", `${text(label)} (${split[2] === "0" ? "datum" : "tid"})`);
        return;
      }
    }
    const header = columnHeader(field);
    if (header) {
      const row = field.closest("tr");
      const first = row && row.querySelector("td.original p, td.field-__str__, td:first-child");
      const what = first ? text(first) : "";
      field.setAttribute("aria-label", what ? `${header}: ${what}` : header);
    }
  }

  function nameAutocomplete(selection) {
    // select2's combobox is named by its rendered value only; name it by the field's label
    const container = selection.closest(".select2");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    const name = label ? text(label) : columnHeader(select);
    if (name) {
      selection.removeAttribute("aria-labelledby");
      selection.setAttribute("aria-label", name);
    }
    const rendered = selection.querySelector(".select2-selection__rendered[role=textbox]");
    if (rendered) {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
  }

  function fix(root) {
    root.querySelectorAll("input, select, textarea").forEach(nameField);
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(nameAutocomplete);
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      fix(document);
    });
  });

  function start() {
    fix(document);
    observer.observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
