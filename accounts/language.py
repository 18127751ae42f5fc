"""The interface language: chosen with the switcher, remembered on a signed-in account."""

from django.conf import settings

from .models import User


def chosen_language(user) -> str:
    """The language `user` chose, or "" for an anonymous user or one who never chose."""
    language = getattr(user, "language", "")
    return language if is_site_language(language) else ""


def is_site_language(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def user_language_set(*, user: User, language: str) -> None:
    """Remember `language`, one of settings.LANGUAGES, as `user`'s choice."""
    user.language = language
    user.save(update_fields=["language"])


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's set_language view sets, which LocaleMiddleware reads."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
