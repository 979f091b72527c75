"""Routes of the directory: settings, Find a setting, the forum's pages."""

from django.urls import path

from providers.inspections import urls as inspection_urls
from providers.views.directory import forum, manage, price_changes, removal, search

urlpatterns = [
    path("settings/mine/", manage.setting_list, name="setting-list"),
    path("settings/new/", manage.setting_create_view, name="setting-create"),
    path("settings/<int:pk>/", search.setting_detail, name="setting-detail"),
    path("settings/<int:pk>/edit/", manage.setting_edit, name="setting-edit"),
    path("settings/<int:pk>/delete/", removal.setting_delete_view, name="setting-delete"),
    path("settings/<int:pk>/withdraw/", removal.setting_withdraw_view, name="setting-withdraw"),
    path("settings/<int:pk>/prices/", manage.setting_prices, name="setting-prices"),
    path("settings/<int:pk>/services/", manage.service_add, name="setting-service-add"),
    path(
        "settings/<int:pk>/services/<int:service_pk>/remove/",
        manage.service_remove,
        name="setting-service-remove",
    ),
    *inspection_urls.urlpatterns,
    path("price-changes/", price_changes.price_change_list, name="price-change-list"),
    path("price-changes/<int:pk>/", price_changes.price_change_view, name="price-change"),
    path("find-a-setting/", search.find_a_setting, name="find-a-setting"),
    path("find-a-setting/export.csv", search.export_csv, name="find-a-setting-csv"),
    path("find-a-setting/export.xlsx", search.export_xlsx, name="find-a-setting-xlsx"),
    path("forum/settings/", forum.forum_directory, name="forum-directory"),
    path("forum/settings/<int:pk>/", forum.forum_setting, name="forum-setting"),
    path("forum/figures/", forum.forum_figures, name="forum-figures"),
    path("about-the-fps/", forum.about_the_fps, name="about-the-fps"),
]
