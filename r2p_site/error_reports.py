"""Errors sent to Sentry, when SENTRY_DSN is set (settings.py calls sentry_init).

What a State typed is confidential until it publishes it, and an error report leaves the
site: no request body, no cookie, user or address (send_default_pii=False), and no local
variables of the failing frames, which hold answers and evidence as often as not. The
traceback, the URL and the request id are enough to find the error in the logs.
"""

from .request_id import current_request_id


def _with_request_id(event: dict, hint: dict) -> dict:
    # Read only when an error is sent, so that a request pays nothing for it.
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float | None
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        release=release,
        # send_default_pii is left unset, which is False: sentry-sdk 2.75 deprecates the
        # option (a warning at every start) for data_collection, whose explicit form turns
        # off the event scrubber that filters passwords and session cookies.
        include_local_variables=False,
        max_request_body_size="never",
        # None turns performance tracing off: no transaction is recorded or sent.
        traces_sample_rate=traces_sample_rate,
        before_send=_with_request_id,
    )
