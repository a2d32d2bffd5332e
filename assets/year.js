/* The time slider (dashboard/features/timebar.py): its year and language follow the state, and the
   play button steps the slider one year per timer tick. The timer is disabled whenever nothing plays:
   no polling. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  year: {
    /* The year and language of the state, passed on only when one of them changed (a filter or a
       pan must not rebuild the national chart). */
    follow: function (state, current) {
      if (!state) { return window.dash_clientside.no_update; }
      const next = {year: Number.isInteger(state.year) ? state.year : null, lang: state.lang};
      const same = current && current.year === next.year && current.lang === next.lang;
      return same ? window.dash_clientside.no_update : next;
    },
    /* Play/pause (the button) and one step (the timer): returns the slider's year, whether the timer
       is off, and the button's aria-pressed. Play from the last year (or with no year) starts over
       at the first; the last year stops it. */
    play: function (clicks, ticks, value, first, last, stopped) {
      const unchanged = window.dash_clientside.no_update;
      const triggered = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
      if (triggered.includes("year-play.n_clicks")) {
        if (!stopped) { return [unchanged, true, "false"]; }
        const start = !Number.isInteger(value) || value >= last ? first : value;
        return [start === value ? unchanged : start, false, "true"];
      }
      if (stopped) { return [unchanged, unchanged, unchanged]; }  // a tick that was on its way
      const next = Math.min((Number.isInteger(value) ? value : first) + 1, last);
      return next >= last ? [next, true, "false"] : [next, unchanged, unchanged];
    },
  },
});

/* The slider's thumb is named by the label and the year shown (Dash's Slider takes no aria props),
   whenever Dash draws it anew (a resize or new marks replace the thumb): assets/screen.js calls this
   from its one observer of the page. */
window.atlasNameYearThumb = function () {
  const thumb = document.querySelector("#year-slider [role=slider]:not([aria-labelledby])");
  if (thumb) { thumb.setAttribute("aria-labelledby", "label-year year-value"); }
};
