from django.contrib import admin

from .models import Cluster, ClusterRole


class ClusterRoleInline(admin.TabularInline):
    model = ClusterRole
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("appointed_by", "created_at")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_zh", "kind", "region", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("slug", "name_en", "name_zh", "region", "region_zh", "industry_focus", "industry_focus_zh")
    inlines = [ClusterRoleInline]


@admin.register(ClusterRole)
class ClusterRoleAdmin(admin.ModelAdmin):
    list_display = ("cluster", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("cluster__slug", "user__email")
    list_select_related = ("cluster", "user")
    autocomplete_fields = ("user", "cluster")
