from django.contrib import admin

from .models import Education, Position, Profile


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["member", "headline", "city", "country"]
    search_fields = ["member__search_name", "headline"]
    raw_id_fields = ["member"]
    inlines = [PositionInline, EducationInline]
