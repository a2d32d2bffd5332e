/* The screen around the map (dashboard/features/screen.py): tool tabs, the folding control panel,
   presentation mode and the page's language. Public Plotly API only; no polling. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  screen: {
    /* <html lang> follows the language switch, for screen readers and hyphenation. */
    setLanguage: function (lang) {
      document.documentElement.lang = lang === "en" ? "en" : "id";
    },
    /* Show the open tool pane, hide the others; a chart drawn while hidden gets its size now. */
    showPane: function (panel) {
      const panes = Array.from(document.querySelectorAll("#tools > .pane"));
      const hidden = panes.map((pane) => pane.id !== `pane-${panel}`);
      if (hidden.every(Boolean)) { hidden[0] = false; }
      resizePlots(`#pane-${panel}`);
      return hidden;
    },
    /* Fold the control panel away or back; the map takes the room, so Plotly must resize it. */
    toggleControls: function (clicks) {
      const collapsed = clicks % 2 === 1;
      resizePlots("#map");
      return [collapsed ? "app controls-collapsed" : "app", collapsed ? "false" : "true"];
    },
    /* Fold the map's legend to its button, or back. */
    foldLegend: function (clicks) {
      const folded = clicks % 2 === 1;
      return [folded ? "legend panel folded" : "legend panel", folded ? "false" : "true"];
    },
    /* Presentation mode follows the state (URL present=1): the body's class and the button. The
       charts beside the map get their new size; the map (a responsive graph) follows its frame by
       itself, and a forced resize of it here would race the map's own update (a Kaltim link
       opened in presentation mode kept the national camera). */
    present: function (state) {
      const on = Boolean(state && state.present);
      if (document.body.classList.contains("presenting") !== on) {
        document.body.classList.toggle("presenting", on);
        resizePlots("#tools");
      }
      return on ? "true" : "false";
    },
  },
});

/* Resize the Plotly graphs under ``selector`` once the layout change has been laid out. */
function resizePlots(selector) {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.querySelectorAll(`${selector} .js-plotly-plot`).forEach((gd) => {
      if (gd.offsetParent !== null && window.Plotly) { window.Plotly.Plots.resize(gd); }
    });
  }));
}

/* Presentation keys: Escape leaves, arrow keys (and a clicker's PageUp/PageDown) step through the
   saved views. Caught before they reach the map (capture phase), whose own arrow keys would pan it. */
document.addEventListener("keydown", (event) => {
  if (!document.body.classList.contains("presenting")) return;
  if (event.key === "Escape") { document.getElementById("presentation-toggle").click(); return; }
  const typing = event.target.closest("input, textarea, select, [contenteditable], .dash-dropdown, [role=slider]");
  if (typing) return;
  const step = {ArrowRight: "saved-next", PageDown: "saved-next", ArrowLeft: "saved-prev", PageUp: "saved-prev"}[event.key];
  if (step) {
    document.getElementById(step).click();
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

/* Dash's RadioItems and Checklist wrap native radio buttons and checkboxes in role="listbox" and
   role="option": interactive elements nested in interactive roles, which screen readers announce
   twice and axe reports (nested-interactive, aria-input-field-name). Inside our labelled fieldsets
   the native inputs say it all, so those roles (and aria-selected) are dropped whenever Dash renders
   such a list. Dash's dropdown menus are real listboxes (arrow keys move between their options, which
   the tests and screen readers find by role), so they keep theirs. */
(function () {
  const SELECTOR = "[role=listbox]:has(> [role=option] input), [role=option]:has(input), [aria-selected]:not([role]):has(input)";
  function unwrap(root) {
    root.querySelectorAll(SELECTOR).forEach((el) => {
      if (el.closest(".dash-dropdown, .dash-dropdown-content")) return;
      el.removeAttribute("role");
      el.removeAttribute("aria-selected");
    });
  }
  // The page's one observer for such fixes: this one, and the year slider's thumb name (year.js).
  const nameThumb = () => { if (window.atlasNameYearThumb) { window.atlasNameYearThumb(); } };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.target.nodeType === Node.ELEMENT_NODE) { unwrap(change.target.parentElement || change.target); }
    }
    nameThumb();
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-selected"]});
  unwrap(document);
  nameThumb();
})();
