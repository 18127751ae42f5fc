"""The translation check CI runs (`manage.py i18n_check`): it must catch what it claims to."""

import io
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from devtools import translation_check
from devtools.translation_check import (
    catalogue_problems,
    po_problems,
    source_messages,
    template_files,
    unmarked_template_text,
)


def template(tmp_path, text):
    path = tmp_path / "page.html"
    path.write_text("{% load i18n %}\n" + text, encoding="utf-8")
    return unmarked_template_text(path)


def test_an_unmarked_template_string_is_flagged_with_its_line(tmp_path):
    found = template(tmp_path, "<h1>{% translate 'Title' %}</h1>\n<p>Welcome, {{ user }}!</p>")
    assert found == [f"{tmp_path / 'page.html'}:3: text not marked for translation: Welcome"]


def test_marked_template_strings_pass(tmp_path):
    assert (
        template(
            tmp_path,
            "<h1>{% translate 'Title' %}</h1>\n"
            '<a href="/x" aria-label="{% translate "Open" %}">{{ name }}</a>\n'
            "{% blocktranslate trimmed with n=count %}\n  {{ n }} answers\n{% endblocktranslate %}",
        )
        == []
    )


def test_visible_attributes_are_checked_but_not_others(tmp_path):
    found = template(tmp_path, '<img src="chart.png" class="wide" alt="Chart of answers">')
    assert found == [
        f"{tmp_path / 'page.html'}:2: text not marked for translation: Chart of answers"
    ]


def test_scripts_styles_comments_entities_and_allowed_words_are_not_text(tmp_path):
    text = (
        "<script>var label = 'Loading';</script>\n<style>p::before { content: 'Note'; }</style>\n"
        "<!-- Layout below -->{% comment %}Old wording{% endcomment %}{# Note #}\n"
        "<p>R2P &middot; PDF &amp; {{ count }} · 2025 – UTC</p>"
    )
    assert template(tmp_path, text) == []


def test_the_project_templates_have_no_unmarked_text():
    found = [problem for path in template_files() for problem in unmarked_template_text(path)]
    assert found == []


def po_file(tmp_path, entries, *, name="django.po"):
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalogue.append(entry)
    path = tmp_path / name
    catalogue.save(str(path))
    return path


def test_an_empty_msgstr_fails(tmp_path):
    path = po_file(
        tmp_path,
        [
            polib.POEntry(msgid="Reports", msgstr="Rapports"),
            polib.POEntry(msgid="Sign in", msgstr=""),
        ],
    )
    [problem] = po_problems(path)
    assert problem.endswith("untranslated entry 'Sign in'")
    assert problem.startswith(f"{path}:")


def test_fuzzy_obsolete_and_untranslated_plural_entries_fail(tmp_path):
    path = po_file(
        tmp_path,
        [
            polib.POEntry(msgid="Reports", msgstr="Rapports", flags=["fuzzy"]),
            polib.POEntry(msgid="Gone", msgstr="Parti", obsolete=True),
            polib.POEntry(
                msgid="%(n)s answer",
                msgid_plural="%(n)s answers",
                msgstr_plural={0: "%(n)s réponse", 1: ""},
            ),
        ],
    )
    assert [problem.split(": ", 1)[1] for problem in po_problems(path)] == [
        "fuzzy entry 'Reports'",
        "untranslated entry '%(n)s answer'",
        "obsolete entry 'Gone'",
    ]


def test_a_catalogue_out_of_date_with_the_source_fails(tmp_path):
    path = po_file(
        tmp_path,
        [
            polib.POEntry(msgid="Reports", msgstr="Rapports"),
            polib.POEntry(msgid="Old", msgstr="Ancien"),
        ],
    )
    source = polib.POFile()
    source.append(polib.POEntry(msgid="Reports", occurrences=[("templates/base.html", "10")]))
    source.append(polib.POEntry(msgid="New", occurrences=[("templates/base.html", "12")]))
    assert [problem.split(": ", 1)[1] for problem in po_problems(path, source)] == [
        "no longer in the source 'Old'",
        "missing entry 'New' (used at templates/base.html:12)",
    ]


def test_a_complete_catalogue_passes(tmp_path):
    path = po_file(tmp_path, [polib.POEntry(msgid="Reports", msgstr="Rapports")])
    source = polib.POFile()
    source.append(polib.POEntry(msgid="Reports"))
    assert po_problems(path, source) == []


def test_every_language_but_english_needs_a_catalogue(tmp_path, monkeypatch):
    monkeypatch.setattr(translation_check, "source_messages", polib.POFile)
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    po_file(tmp_path / "fr" / "LC_MESSAGES", [])
    assert sorted(catalogue_problems(tmp_path)) == [
        f"{tmp_path}/{language}/LC_MESSAGES/django.po: missing catalogue"
        for language in ["ar", "es", "ru", "zh_Hans"]
    ]


def test_the_source_messages_are_extracted_without_touching_the_locale_directory():
    locale = Path(settings.LOCALE_PATHS[0])
    before = sorted(locale.rglob("*")) if locale.exists() else None
    messages = {entry.msgid: entry for entry in source_messages()}
    assert "Skip to main content" in messages
    assert [file for file, _line in messages["Skip to main content"].occurrences] == [
        "templates/base.html"
    ]
    files = {file for entry in messages.values() for file, _line in entry.occurrences}
    assert not any(file.startswith(("tests/", "devtools/")) for file in files)
    assert (sorted(locale.rglob("*")) if locale.exists() else None) == before


def test_the_command_lists_the_problems_and_fails(monkeypatch):
    monkeypatch.setattr(
        "devtools.management.commands.i18n_check.problems",
        lambda: ["locale/fr/LC_MESSAGES/django.po:12: fuzzy entry 'Reports'"],
    )
    output = io.StringIO()
    with pytest.raises(CommandError, match="1 translation problem"):
        call_command("i18n_check", stdout=output)
    assert "django.po:12: fuzzy entry 'Reports'" in output.getvalue()


def test_the_command_passes_when_nothing_is_wrong(monkeypatch):
    monkeypatch.setattr("devtools.management.commands.i18n_check.problems", list)
    output = io.StringIO()
    call_command("i18n_check", stdout=output)
    assert "complete" in output.getvalue()


def makefile_list(name):
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if line.startswith(f"{name} :=")]
    return line.split(":=")[1].split()


def test_make_messages_extracts_what_the_check_compares_with():
    assert makefile_list("MESSAGES_IGNORE") == list(translation_check.MAKEMESSAGES_IGNORE)
    assert makefile_list("MESSAGES_LOCALES") == ["ar", "zh_Hans", "fr", "ru", "es"]
    assert translation_check.catalogue_languages() == ["ar", "zh_Hans", "fr", "ru", "es"]


def typography_problems(tmp_path, language, body):
    path = tmp_path / language / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    if language == "ar":
        header += (
            '"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
            'n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;\\n"\n'
        )
    path.write_text(header + "\n" + body, encoding="utf-8")
    return po_problems(path)


@pytest.mark.parametrize(
    ("translation", "found"),
    [
        ("Statut : envoyé ; prêt ? oui !", 4),  # ordinary spaces
        ("Statut: envoyé", 1),  # no space at all
        ("« Sans éléments »", 2),
        ("Statut\u00a0: envoyé\u202f; prêt\u202f? oui\u202f!", 0),
        ("«\u00a0Sans éléments\u00a0»", 0),
        ("Vérifiez à l'adresse https://example.org/verify/?sha=1 à 10:30", 0),
        ("%(state)s\u00a0: version %(number)s", 0),
        ("l’en-tête «\u00a0Authorization: Api-Key <key>\u00a0»", 0),  # a header, as typed
        ("Remarque: Authorization: Api-Key", 1),
    ],
)
def test_french_needs_a_non_breaking_space_before_double_punctuation(tmp_path, translation, found):
    problems = typography_problems(tmp_path, "fr", f'msgid "x"\nmsgstr "{translation}"\n')
    assert len(problems) == found, problems
    assert all(problem.startswith(f"{tmp_path}/fr/LC_MESSAGES/django.po:") for problem in problems)


@pytest.mark.parametrize(
    ("translation", "found"),
    [
        ("已于 %(date)s 接受", 2),
        ("2009–2024 年", 1),
        ("已于%(date)s接受", 0),
        ("2009–2024年", 0),
        ("PDF 文件 SHA-256", 0),  # Latin words keep their spaces
    ],
)
def test_chinese_placeholders_and_numbers_are_not_padded(tmp_path, translation, found):
    problems = typography_problems(tmp_path, "zh_Hans", f'msgid "x"\nmsgstr "{translation}"\n')
    assert len(problems) == found, problems


def arabic_entry(forms):
    return 'msgid "%(count)s answer"\nmsgid_plural "%(count)s answers"\n' + "".join(
        f'msgstr[{index}] "{form}"\n' for index, form in enumerate(forms)
    )


def test_arabic_zero_one_and_two_forms_say_the_number_in_words(tmp_path):
    good = ["لا توجد إجابات", "إجابة واحدة", "إجابتان"] + ["%(count)s إجابات"] * 3
    assert typography_problems(tmp_path / "good", "ar", arabic_entry(good)) == []
    bad = ["%(count)s إجابة", "إجابة واحدة", "%(count)s إجابتان"] + ["%(count)s إجابات"] * 3
    problems = typography_problems(tmp_path / "bad", "ar", arabic_entry(bad))
    assert [problem.split(": ", 1)[1][:18] for problem in problems] == [
        "plural form 0 repe",
        "plural form 2 repe",
    ]


def test_an_arabic_figure_after_a_label_stays_a_figure(tmp_path):
    forms = ["منفذة: %(count)s"] * 6
    assert typography_problems(tmp_path, "ar", arabic_entry(forms)) == []


def test_the_project_catalogues_follow_their_typography():
    found = [
        problem
        for problem in catalogue_problems()
        if "non-breaking" in problem or "space between" in problem or "plural form" in problem
    ]
    assert found == []


def test_punctuation_after_a_translated_label_is_flagged(tmp_path):
    from devtools.typography_check import punctuation_after_translation

    path = tmp_path / "page.html"
    path.write_text(
        '{% load i18n %}\n<p>{% translate "Status:" %} ok</p>\n'
        '<p><strong>{% translate "Status" %}:</strong></p>\n',
        encoding="utf-8",
    )
    assert list(punctuation_after_translation(path)) == [
        f'{path}:3: punctuation outside the translation: {{% translate "Status" %}}:'
    ]
