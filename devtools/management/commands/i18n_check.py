from django.core.management.base import BaseCommand, CommandError

from devtools.translation_check import problems


class Command(BaseCommand):
    help = (
        "Fail on a missing, incomplete, fuzzy or out-of-date catalogue, or on template "
        "text not marked for translation, listing each as file:line."
    )

    def handle(self, *args, **options):
        found = problems()
        for problem in found:
            self.stdout.write(problem)
        if found:
            raise CommandError(f"{len(found)} translation problem(s).")
        self.stdout.write("Every catalogue is complete and every template string is marked.")
