from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pagination on every list: stable under inserts and cheap at any depth.

    Views order by a unique key (pk by default) so the cursor never skips or repeats a row.
    """

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
