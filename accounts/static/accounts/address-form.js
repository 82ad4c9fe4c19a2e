// The address form follows the chosen country: picking another country redraws the form with that country's
// fields (server-side, through the "Show the fields for this country" button, which stays for browsers without JS).
document.querySelectorAll("[data-change-country]").forEach((button) => {
  const select = button.form.querySelector("select[name='country']");
  if (!select) return;
  button.hidden = true;
  select.addEventListener("change", () => button.click());
});
