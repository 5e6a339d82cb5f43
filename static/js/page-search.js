// "Zoeken naar pagina of rapport": the top bar's search box as an ARIA combobox
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) with a grouped listbox.
// Without this script the box is a plain form to the results page, which lists the
// same results (dashboard.views.PageSearchView).
(() => {
  const form = document.querySelector("form[data-page-search]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const listbox = form.querySelector("[role=listbox]");
  const status = form.querySelector("[aria-live]");
  const DELAY_MS = 120;
  let options = [];
  let active = -1;
  let timer = null;
  let pending = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  function isOpen() {
    return !listbox.hidden;
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    const option = options[active];
    if (!option) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    if (text) node.textContent = text;
    return node;
  }

  function option(label, detail, url) {
    const node = element("li", {
      role: "option",
      id: `page-search-option-${options.length}`,
      "aria-selected": "false",
      class: "page-search-option",
    });
    node.dataset.url = url;
    node.append(element("span", { class: "page-search-label" }, label));
    if (detail) {
      // Read as "label, detail" by screen readers; the layout keeps them apart.
      node.append(element("span", { class: "visually-hidden" }, ", "));
      node.append(element("span", { class: "page-search-detail" }, detail));
    }
    options.push(node);
    return node;
  }

  // The answer's texts are set as text, never as HTML: names come from users.
  function render(data) {
    options = [];
    active = -1;
    listbox.replaceChildren();
    data.groups.forEach((group) => {
      const headingId = `page-search-group-${group.key}`;
      const list = element("ul", { role: "group", "aria-labelledby": headingId });
      list.append(
        element("li", { role: "presentation", id: headingId, class: "page-search-heading" }, group.label),
      );
      group.results.forEach((result) => list.append(option(result.label, result.detail, result.url)));
      if (group.more_url) list.append(option(group.more_label, "", group.more_url));
      listbox.append(list);
    });
    if (!options.length) {
      listbox.append(element("div", { class: "page-search-empty" }, data.summary));
    }
    status.textContent = data.summary;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.removeAttribute("aria-activedescendant");
  }

  async function suggest() {
    const query = input.value.trim();
    if (pending) pending.abort();
    if (!query) {
      close();
      status.textContent = "";
      return;
    }
    pending = new AbortController();
    const url = `${form.dataset.suggestionsUrl}?${new URLSearchParams({ q: query })}`;
    try {
      const response = await fetch(url, {
        signal: pending.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        close();
        return;
      }
      const data = await response.json();
      // Only the answer to what the box holds now (an older one may come in last),
      // and not once the user has left the box.
      if (data.query === input.value.trim() && document.activeElement === input) {
        render(data);
      }
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  function open(url) {
    close();
    window.location.assign(url);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!isOpen()) {
        suggest();
        return;
      }
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      // From no choice, Down goes to the first option and Up to the last.
      const start = active === -1 ? (step === 1 ? -1 : options.length) : active;
      setActive((start + step + options.length) % options.length);
    } else if (event.key === "Enter" && isOpen() && options[active]) {
      event.preventDefault();
      open(options[active].dataset.url);
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
      }
    }
  });

  // Clicking an option must not take the focus from the box first.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const chosen = event.target.closest("[role=option]");
    if (chosen) open(chosen.dataset.url);
  });
  listbox.addEventListener("mousemove", (event) => {
    const hovered = event.target.closest("[role=option]");
    if (hovered && options.indexOf(hovered) !== active) setActive(options.indexOf(hovered));
  });
  input.addEventListener("blur", close);
  input.addEventListener("focus", () => {
    if (input.value.trim()) suggest();
  });

  function isTyping(target) {
    return target.isContentEditable || target.closest("input, textarea, select");
  }

  // Alt+Q as in NAV, and "/" as on many sites when no other field takes the key.
  document.addEventListener("keydown", (event) => {
    const altQ = event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyQ";
    const slash =
      event.key === "/" && !event.altKey && !event.ctrlKey && !event.metaKey && !isTyping(event.target);
    if (!altQ && !slash) return;
    event.preventDefault();
    // On a narrow screen the box sits in the collapsed menu: open it first.
    const menu = form.closest(".navbar-collapse");
    if (menu && !menu.classList.contains("show") && !input.offsetParent && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(menu).show();
    }
    input.focus();
    input.select();
  });
})();
