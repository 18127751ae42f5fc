import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task_backends

from delegations.models import Member, MemberState
from tests.clients import SignedInClient

# The groups the data migrations made, with their permissions by natural key: read once
# the test database is migrated, since a transactional test's flush empties them.
MIGRATED_GROUPS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            MIGRATED_GROUPS[group.name] = [
                (permission.content_type.app_label, permission.codename)
                for permission in group.permissions.all()
            ]


@pytest.fixture
def migrated_groups(transactional_db):
    """The groups as the migrations left them (the Secretariat's), made again if a
    transactional test before this one flushed them; the permissions themselves are made
    again by the flush."""
    for name, permissions in MIGRATED_GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            wanted = Q(pk__in=[])
            for app_label, codename in permissions:
                wanted |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.set(Permission.objects.filter(wanted))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # No secretariat copy of notices unless a test sets one (development sets one, so
    # that a local walk prints it: tests/devtools/test_demo.py).
    settings.SECRETARIAT_EMAIL = ""
    # Tasks run as they are queued (after the commit they wait for).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # LocaleMiddleware leaves a request's language active in the thread: without this,
    # the test after one in French would run in French.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def task_queue(settings):
    """Tasks are queued and not run, as with a worker that has not picked them up yet;
    `tests.queue.run_queued(task_queue)` then runs them as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


@pytest.fixture
def client():
    """pytest-django's client, whose force_login also passes the second sign-in step."""
    return SignedInClient()


@pytest.fixture
def norway(db):
    return MemberState.objects.get_or_create(
        iso3="NOR", defaults={"name": "Norway", "regional_group": "western_european_other"}
    )[0]


@pytest.fixture
def kenya(db):
    return MemberState.objects.get_or_create(
        iso3="KEN", defaults={"name": "Kenya", "regional_group": "african"}
    )[0]


def _delegate(django_user_model, username, state, role):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    Member.objects.create(user=user, member_state=state, role=role)
    if role == Member.Role.FOCAL_POINT:
        # Every focal point signs in with a second factor (accounts.two_factor.is_required).
        TOTPDevice.objects.create(user=user, name=f"{username}'s phone", confirmed=True)
    return user


@pytest.fixture
def focal_point_norway(django_user_model, norway):
    """A Norwegian delegation focal point: may edit and submit Norway's assessment; signs in
    with an authenticator app, as every focal point must."""
    return _delegate(django_user_model, "nora", norway, Member.Role.FOCAL_POINT)


@pytest.fixture
def editor_norway(django_user_model, norway):
    """A Norwegian delegation editor: may edit, not submit."""
    return _delegate(django_user_model, "erik", norway, Member.Role.EDITOR)


@pytest.fixture
def focal_point_kenya(django_user_model, kenya):
    """A Kenyan focal point: must never see Norway's objects."""
    return _delegate(django_user_model, "wanjiru", kenya, Member.Role.FOCAL_POINT)


@pytest.fixture
def secretariat(db, django_user_model):
    """Secretariat staff, who must sign in with an authenticator app (two-factor)."""
    user = django_user_model.objects.create_user(username="sam", password="pw-sam", is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    TOTPDevice.objects.create(user=user, name="Sam's phone", confirmed=True)
    return user
