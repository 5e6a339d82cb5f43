// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-auto-submit]");
  if (form) form.submit();
});

// Buttons with data-confirm ask before their form is sent; with data-confirm-when
// only while their form holds an element matching that selector (a choice ticked).
// With data-confirm-count="name" the question counts the form's ticked checkboxes
// of that name: data-confirm-one for one, data-confirm-many ({n}) for more; none
// ticked asks nothing (the page then says what to select).
function confirmQuestion(button) {
  const name = button.dataset.confirmCount;
  if (!name || !button.form) return button.dataset.confirm;
  const count = Array.from(button.form.elements).filter(
    (element) => element.name === name && element.checked,
  ).length;
  if (count === 0) return null;
  if (count === 1) return button.dataset.confirmOne;
  return button.dataset.confirmMany.replace("{n}", count.toLocaleString(document.documentElement.lang));
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (!button) return;
  const when = button.dataset.confirmWhen;
  if (when && !button.form?.querySelector(when)) return;
  const question = confirmQuestion(button);
  if (question && !window.confirm(question)) event.preventDefault();
});

// A header checkbox with data-select-all="name" ticks every checkbox of that name.
document.addEventListener("change", (event) => {
  const name = event.target.dataset?.selectAll;
  if (!name) return;
  document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
});

// Buttons with data-once are disabled once their form is sent: no double submits.
document.addEventListener("submit", (event) => {
  const buttons = event.target.querySelectorAll("[data-once]");
  setTimeout(() => buttons.forEach((button) => { button.disabled = true; }));
});

// Buttons with data-print open the browser's print dialog.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// An open Export menu closes on a click elsewhere or on Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.export-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.export-menu[open]").forEach((menu) => {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});

// A checkbox with data-needs="name" can be ticked only while its form's checkbox of
// that name is (an option of an option: the letter fallback of sending); unticked
// when that one is. The server ignores it alone anyway.
function followNeeds(form) {
  form.querySelectorAll("input[data-needs]").forEach((box) => {
    const needed = form.elements.namedItem(box.dataset.needs);
    if (!needed) return;
    box.disabled = !needed.checked;
    if (box.disabled) box.checked = false;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.form) followNeeds(event.target.form);
});
document.querySelectorAll("form").forEach(followNeeds);
