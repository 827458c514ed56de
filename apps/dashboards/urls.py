from django.urls import path

from apps.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("home/admin/", views.admin_home, name="admin"),
    path("home/ops/", views.ops_home, name="ops"),
    path("home/planner/", views.planner_home, name="planner"),
    path("home/copywriter/", views.copywriter_home, name="copywriter"),
    path("home/product/", views.product_home, name="product"),
    path("home/designer/", views.designer_home, name="designer"),
    path("home/rep/", views.rep_home, name="rep"),
]
