"""The inspection pages, in the `providers` namespace (`providers/views/directory_urls.py` adds
them), so their names and addresses are the ones they always had."""

from django.urls import path

from providers.inspections.views import checks, record

urlpatterns = [
    path("settings/<int:pk>/judgements/new/", record.judgement_create, name="judgement-create"),
    path("judgements/awaiting-check/", checks.judgement_check_list, name="judgement-check-list"),
    path("judgements/<int:pk>/check/", checks.judgement_check_view, name="judgement-check"),
]
