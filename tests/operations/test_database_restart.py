"""PostgreSQL restarted while a delegate saves and a worker waits for work: every save
the page was told was saved is stored as typed, saves succeed again within 5 s of the
restart, the outage answers 503 (never 500), and the same worker process, never ended,
renders the next country report."""

import json
import os
import time

import pytest

from tests.operations.outside import (
    OutsideSite,
    ThrowawayPostgres,
    create_postgres_database,
    migrate,
)

pytestmark = pytest.mark.skipif(
    not ThrowawayPostgres.available() and not os.environ.get("CI"),
    reason="needs PostgreSQL's initdb and pg_ctl",
)


@pytest.fixture
def restartable(tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("run by the PostgreSQL test run: it restarts a PostgreSQL cluster")
    cluster = ThrowawayPostgres()
    cluster.start()
    try:
        site = OutsideSite(create_postgres_database(cluster.url), tmp_path / "media")
        migrate(site)
        yield cluster, site
        site.stop_all()
    finally:
        cluster.remove()


def test_saves_and_the_worker_ride_out_a_postgresql_restart(restartable):
    cluster, site = restartable
    site.python("from tests.operations.seed import assessment; assessment()")
    saver = site.start("tests/operations/saver.py", "fp-nor", "12")
    assert any(line.strip() == "serving" for line in iter(saver.stdout.readline, "")), (
        site.stop_all()
    )
    worker = site.worker()
    time.sleep(3)

    cluster.stop()
    time.sleep(3)
    cluster.start()
    restarted = time.time()

    out, _ = saver.communicate(timeout=60)
    told = json.loads(out.strip().splitlines()[-1])  # after the log lines
    accepted = told["accepted"]
    assert accepted, told
    during = [refusal for refusal in told["refused"] if refusal["at"] < restarted]
    assert during, "no save met the outage: the test proved nothing"
    assert {refusal["status"] for refusal in told["refused"]} == {503}, told["refused"]
    saved_again = [save[4] - restarted for save in accepted if save[4] >= restarted]
    assert saved_again and saved_again[0] < 5, f"no save within 5 s: {told['refused'][-5:]}"
    print(f"first save {saved_again[0]:.2f} s after the restart; {len(during)} refused with 503")

    history = {
        (answer, version): content["evidence"]
        for answer, version, content in (
            (row[0], row[1], json.loads(row[2]) if isinstance(row[2], str) else row[2])
            for row in site.query(
                "SELECT answer_id, version, after FROM assessments_answerchange"
                " WHERE kind = 'edited'"
            )
        )
    }
    for answer, _base, version, text, _at in accepted:
        assert history.get((answer, version)) == text, (answer, version, text)
    for answer, version, evidence in site.query(
        "SELECT id, version, evidence FROM assessments_answer"
    ):
        last = max((save for save in accepted if save[0] == answer), key=lambda save: save[2])
        assert (version, evidence) == (last[2], last[3])

    # The worker never ended: it takes the next submission's rendering.
    assert worker.poll() is None, "the worker ended with the database"
    submission = int(
        site.python(
            "from django.contrib.auth import get_user_model; "
            "from assessments.models import Assessment; "
            "from assessments.services.lifecycle import assessment_submit; "
            "user = get_user_model().objects.get(username='fp-nor'); "
            "print(assessment_submit(assessment=Assessment.objects.get(), submitted_by=user).pk)"
        )
    )
    stored = site.wait_for(
        "SELECT pdf FROM assessments_submission WHERE id = %s AND pdf <> ''",
        submission,
        timeout=30,
    )
    assert stored, site.stop_all()
    assert worker.poll() is None
