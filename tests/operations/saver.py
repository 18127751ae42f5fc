"""A delegate saving answers through the autosave view of a real gunicorn (production
settings: persistent database connections, the error pages), from a process of its
own, for `duration` seconds, carrying on through errors as the page does; prints what
it was told as JSON (tests/operations/test_database_restart.py). It writes "serving"
once gunicorn answers.

    python tests/operations/saver.py USERNAME DURATION
"""

import json
import os
import re
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r2p_site.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.models import Answer  # noqa: E402
from devtools.benchmarking import signed_in_session  # noqa: E402
from devtools.gunicorn_server import GunicornServer  # noqa: E402
from devtools.http_client import HttpClient  # noqa: E402

VERSION_INPUT = re.compile(r'name="r(\d+)-version" value="(\d+)"')


def save_for(client, duration: float, known: dict, assessment: int) -> dict:
    accepted, refused = [], []
    end, n = time.monotonic() + duration, 0
    while time.monotonic() < end:
        answer = list(known)[n % len(known)]
        text = f"save {n}"
        began, found = time.time(), None
        try:
            result = client.post(
                reverse("assessments:answer_save", args=[assessment, answer]),
                {
                    f"r{answer}-status": "implemented",
                    f"r{answer}-evidence": text,
                    f"r{answer}-links": "",
                    f"r{answer}-version": known[answer],
                },
                headers={"HX-Request": "true"},
            )
        except OSError as error:
            refused.append({"at": began, "status": repr(error)})
        else:
            found = VERSION_INPUT.search(result.content.decode())
            if result.status_code == 200 and found and "HX-Retarget" not in result.headers:
                accepted.append([answer, known[answer], int(found.group(2)), text, began])
            else:
                refused.append({"at": began, "status": result.status_code})
        if found:
            # Refused as stale (a save stored though its answer was lost): save over the
            # version shown, as the page does.
            known[answer] = int(found.group(2))
        n += 1
        time.sleep(0.02)
    return {"accepted": accepted, "refused": refused}


def main(username: str, duration: float) -> None:
    user = get_user_model().objects.get(username=username)
    answers = Answer.objects.filter(assessment__member_state__members__user=user)
    known = dict(answers.values_list("pk", "version"))
    assessment = answers.values_list("assessment", flat=True).first()
    with GunicornServer(workers=2) as server:
        client = HttpClient(server.url, signed_in_session(user, secret_key=server.secret_key))
        print("serving", flush=True)
        told = save_for(client, duration, known, assessment)
    print(json.dumps(told), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
