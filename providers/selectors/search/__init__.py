"""Find a setting: the commissioners' search, its API twin and the forum directory.

- `criteria`: the form both the page and the API validate their parameters with;
- `query`: the scoped, filtered, annotated queryset and the facet counts;
- `keyset`: stable cursor pagination, as fast on the last page as on the first;
- `export`: the CSV/XLSX columns.
"""

from providers.selectors.search.criteria import SearchCriteria, SettingSearchForm
from providers.selectors.search.facets import Facets, search_facets
from providers.selectors.search.keyset import KeysetPage, keyset_page
from providers.selectors.search.query import search_settings

__all__ = [
    "Facets",
    "KeysetPage",
    "SearchCriteria",
    "SettingSearchForm",
    "keyset_page",
    "search_facets",
    "search_settings",
]
