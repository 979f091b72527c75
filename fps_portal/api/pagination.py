from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from fps_portal.text import is_number

PAGE_SIZE_MESSAGE = "Give a page size from 1 to {maximum}."


class StableCursorPagination(CursorPagination):
    """Cursor pagination on every list: stable under inserts and cheap at any depth.

    Views order by a unique key (pk by default) so the cursor never skips or repeats a row. A
    page size that is not a whole number from 1 to `max_page_size` answers 400 naming it,
    rather than quietly giving the default page (the API's rule for every parameter).
    """

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not (is_number(given) and 1 <= int(given) <= self.max_page_size):
            message = PAGE_SIZE_MESSAGE.format(maximum=self.max_page_size)
            raise ValidationError({self.page_size_query_param: [message]})
        return int(given)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
