// Lookup fields (web.lookups): the text box that takes a number or an exact name
// becomes a searchable list (Tom Select) fed by the model's JSON endpoint. The
// original input keeps the chosen key, so the form posts what it posts without
// JavaScript; the label moves to the search box, so "Contact" still names it.
(() => {
  function pageUrl(base, query, page) {
    const url = new URL(base, window.location.href);
    url.searchParams.set("q", query);
    url.searchParams.set("page", page);
    return url.toString();
  }

  function optionHtml(item, escape) {
    const detail = item.detail
      ? ` <small class="text-body-secondary">${escape(item.detail)}</small>`
      : "";
    const note = item.note
      ? ` <span class="badge text-bg-warning">${escape(item.note)}</span>`
      : "";
    return `<div><span class="fw-semibold">${escape(item.value)}</span> ${escape(item.text)}${detail}${note}</div>`;
  }

  // The focus given by the page, not by the user: the list stays closed until they
  // type or press a key, so it does not cover the fields below.
  function focusClosed(select) {
    select.quiet = true;
    select.control_input.focus();
  }

  function enhance(input) {
    // A locked (disabled) field stays the text box that shows its value.
    if (input.tomselect || input.disabled || typeof TomSelect === "undefined") return;
    const base = input.dataset.lookup;
    const texts = input.dataset;
    const select = new TomSelect(input, {
      maxItems: 1,
      valueField: "value",
      labelField: "label",
      // The server searches name, number, company, city and e-mail; show all it sends.
      searchField: [],
      score: () => () => 1,
      dataAttr: "data-lookup-initial",
      create: false,
      preload: "focus",
      loadThrottle: 150,
      shouldLoad: () => true,
      plugins: ["virtual_scroll"],
      firstUrl: (query) => pageUrl(base, query, 1),
      load(query, callback) {
        const url = this.getUrl(query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : Promise.reject(response)))
          .then((json) => {
            if (json.more) {
              const next = new URL(url);
              next.searchParams.set("page", Number(next.searchParams.get("page")) + 1);
              this.setNextUrl(query, next.toString());
            }
            callback(json.results);
          })
          .catch(() => callback());
      },
      render: {
        option: optionHtml,
        // The whole label on hover: a narrow field cuts it short with an ellipsis.
        item: (item, escape) => `<div title="${escape(item.label)}">${escape(item.label)}</div>`,
        no_results: (data, escape) => `<div class="no-results">${escape(texts.lookupNone)}</div>`,
        loading_more: (data, escape) =>
          `<div class="loading-more-results py-2">${escape(texts.lookupMore)}</div>`,
        no_more_results: () => "",
      },
    });
    // The field's label names the search box only, so "Contact" finds one control;
    // the list of matches gets a name of its own.
    select.dropdown_content.removeAttribute("aria-labelledby");
    select.dropdown_content.setAttribute("aria-label", texts.lookupList);
    // The original input only carries the value now; the search box is the control.
    input.setAttribute("aria-hidden", "true");
    // What is typed to search is not the field's value: forms that react to their
    // fields (auto-submit, htmx counts) hear only the choice, from the original input.
    for (const name of ["input", "change"]) {
      select.control_input.addEventListener(name, (event) => event.stopPropagation());
    }
    // Tom Select ignores a blur while document.hasFocus() is false, so a lookup
    // tabbed past whose search answers late still thinks it has the focus: the
    // answer opened its list and pulled the focus back from the next field (two
    // lookups in a row then took it from each other). The list opens only while
    // the focus is not plainly on another control.
    const open = select.open;
    select.open = function () {
      if (this.quiet) return;
      const active = document.activeElement;
      if (active && active !== document.body && !this.wrapper.contains(active)) {
        this.isFocused = false;
        return;
      }
      open.call(this);
    };
    // A key, a click or leaving the field ends the quiet of focusClosed; caught on
    // the way down, before Tom Select's own handlers open the list.
    for (const name of ["keydown", "mousedown", "focusout"]) {
      select.wrapper.addEventListener(name, () => { select.quiet = false; }, true);
    }
    // Tom Select hides the original input, so its autofocus (a follow-up segment's
    // template still to fill) would focus nothing: the search box takes it over.
    if (input.hasAttribute("autofocus")) focusClosed(select);
  }

  function enhanceAll(root) {
    root.querySelectorAll("input[data-lookup]").forEach(enhance);
  }

  enhanceAll(document);
  // Fields that htmx swaps in (a template's values filled in) are enhanced too. A
  // lookup that had the focus when its form was swapped (the template just chosen)
  // gets it back: htmx restores the focus by id, but the search box is made only
  // now, so the focus would fall to the page and the next Tab to its end.
  let focusedLookup = null;
  document.addEventListener("htmx:beforeSwap", () => {
    const wrapper = document.activeElement?.closest(".ts-wrapper");
    const input = wrapper?.previousElementSibling;
    focusedLookup = input?.matches("input[data-lookup]") ? input.id : null;
  });
  document.addEventListener("htmx:load", (event) => {
    enhanceAll(event.target);
    const input = focusedLookup && document.getElementById(focusedLookup);
    if (input?.tomselect && event.target.contains(input)) {
      focusedLookup = null;
      focusClosed(input.tomselect);
    }
  });
})();
