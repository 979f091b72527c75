"""Pages of the referrals app: children (see referrals/urls.py), and the authority
administrator's placement rules."""

from django.urls import URLPattern, URLResolver, path

from referrals.views import children, children_documents, children_placement_rules

urlpatterns: list[URLPattern | URLResolver] = [
    path("children/", children.child_list, name="child-list"),
    path("children/new/", children.child_create_view, name="child-create"),
    path("children/<int:pk>/", children.child_detail, name="child-detail"),
    path("children/<int:pk>/edit/", children.child_edit, name="child-edit"),
    path("children/<int:pk>/export.csv", children.child_export, name="child-export"),
    path(
        "children/<int:pk>/documents/new/",
        children_documents.child_document_upload,
        name="child-document-upload",
    ),
    path(
        "children/documents/<int:pk>/download/",
        children_documents.child_document_download,
        name="child-document-download",
    ),
    path(
        "children/documents/<int:pk>/remove/",
        children_documents.child_document_remove_view,
        name="child-document-remove",
    ),
    path(
        "account/placement-rules/",
        children_placement_rules.placement_rules,
        name="placement-rules",
    ),
]
