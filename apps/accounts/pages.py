"""The profile page: a person's display name and preferred language."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import services


def language_choices() -> list[tuple[str, str]]:
    """Each supported language by its own name ("English", "简体中文"), as a reader looks for it."""
    return [(code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"),
        help_text=gettext_lazy("The pages, your notifications and the e-mails you get use this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = language_choices()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    user = request.user
    initial = {"name": user.name, "preferred_language": user.preferred_language or request.LANGUAGE_CODE}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        language = form.cleaned_data["preferred_language"]
        with translation.override(language):
            messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        # the pages follow the chosen language from now on (as the language box would)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})
