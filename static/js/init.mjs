// Starts GOV.UK Frontend's components.
//
// Production runs a strict Content Security Policy (scripts from 'self' only,
// no inline scripts), so the classes that GOV.UK's page template adds with an
// inline <script> are added here instead. Being a module script, this file
// only runs in browsers that GOV.UK Frontend supports, which is exactly what
// the `govuk-frontend-supported` class signals.
//
// The import is relative so that it follows STATIC_URL; it resolves to
// static/vendor/govuk/govuk-frontend.min.js, which `npm run build` writes.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A region kept current while work runs in a worker (static/js/progress.mjs).
if (document.querySelector("[data-app-progress]")) {
  import("./progress.mjs");
}
