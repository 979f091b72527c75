"""QA visits (issue 14): the risk-ordered visit programme's signals (`risk`) and who may use the
routes (`access`). Both read only models and the access vocabulary, so selectors, services,
views and the API all import them. The scope rules are `quality.visit_scope_rules`, the render
task `quality.visit_tasks`, the navigation entry and panel `quality.visits_ui`."""
