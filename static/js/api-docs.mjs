// The API documentation page: what Swagger UI's own markup lacks for keyboard and screen reader
// users, added as it draws. Its examples scroll sideways inside a <pre>, which a keyboard can
// only scroll when it can focus it; its parameter pickers are <select>s with no name.
const root = document.getElementById("swagger-ui");

const mend = () => {
  root.querySelectorAll("pre.microlight:not([tabindex])").forEach((example) => {
    example.tabIndex = 0;
    example.setAttribute("role", "region");
    example.setAttribute("aria-label", "Example");
  });
  root.querySelectorAll("select:not([aria-label])").forEach((select) => {
    const row = select.closest("tr");
    const name = row?.querySelector(".parameter__name")?.textContent?.replace("*", "").trim();
    select.setAttribute("aria-label", name ? `Value of ${name}` : "Choose a value");
  });
};

if (root) {
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
}
