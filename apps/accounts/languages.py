"""Each person's preferred language: defaulted from the browser at sign-up or first login.

``User.preferred_language`` is the language of their e-mails (and of notifications sent
without a request). When it is blank, the first request that signs the person up or in sets
it to the locale that request resolved (the browser's language, or the one they chose).
"""

from django.conf import settings


def language_of_request(request) -> str:
    """The supported language code the request resolved ("" when there is none)."""
    code = getattr(request, "LANGUAGE_CODE", "")  # set by LocaleMiddleware (absent outside a request)
    supported = {language for language, _name in settings.LANGUAGES}
    return code if code in supported else ""


def default_preferred_language(*, request, user) -> bool:
    """Set a blank preferred language from the request; True when it was set."""
    if user is None or user.pk is None or user.preferred_language or request is None:
        return False
    language = language_of_request(request)
    if not language:
        return False
    type(user).objects.filter(pk=user.pk, preferred_language="").update(preferred_language=language)
    user.preferred_language = language
    return True


def on_logged_in(sender, request, user, **kwargs):
    default_preferred_language(request=request, user=user)


def on_signed_up(request, user, **kwargs):
    default_preferred_language(request=request, user=user)


def connect() -> None:
    from allauth.account.signals import user_signed_up
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_logged_in, dispatch_uid="accounts.preferred_language.logged_in")
    user_signed_up.connect(on_signed_up, dispatch_uid="accounts.preferred_language.signed_up")
