"""Response becomes Answer, the users' word (and no clash with HTTP responses).

Every row is kept: tables and columns are renamed, not copied. The permissions of the
renamed models keep their ids (and so their groups) under the new codenames.
"""

import django.db.models.deletion
from django.db import migrations, models

RENAMED_MODELS = {"response": "answer", "responsechange": "answerchange"}
LABELS = {"response": "response", "responsechange": "response change"}
LABELS |= {"answer": "answer", "answerchange": "answer change"}


def _rename_codenames(apps, renames: dict[str, str]) -> None:
    # Both ways, the content types are named as the models are after this migration:
    # forwards they were just renamed, backwards they are renamed back only afterwards.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for current in RENAMED_MODELS.values():
        content_type = ContentType.objects.filter(app_label="assessments", model=current).first()
        if content_type is None:  # a fresh database: permissions come after migrating
            continue
        for permission in Permission.objects.filter(content_type=content_type):
            action, _, model = permission.codename.partition("_")
            if model in renames:
                permission.codename = f"{action}_{renames[model]}"
                permission.name = permission.name.replace(LABELS[model], LABELS[renames[model]])
                permission.save(update_fields=["codename", "name"])


def rename_permissions(apps, schema_editor):
    _rename_codenames(apps, RENAMED_MODELS)


def restore_permissions(apps, schema_editor):
    _rename_codenames(apps, {new: old for old, new in RENAMED_MODELS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_secretariat_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="response", name="one_response_per_assessment_recommendation"
        ),
        migrations.RemoveConstraint(model_name="response", name="response_status_valid"),
        migrations.RemoveIndex(model_name="responsechange", name="assessments_respons_68827c_idx"),
        migrations.RenameModel("Response", "Answer"),
        migrations.RenameModel("ResponseChange", "AnswerChange"),
        migrations.RenameField("answerchange", "response", "answer"),
        migrations.RenameField("attachment", "response", "answer"),
        migrations.RenameField("reviewcomment", "response", "answer"),
        migrations.AlterModelOptions(
            name="answer",
            options={
                "ordering": [
                    "recommendation__section__report__year",
                    "recommendation__section__target__position",
                    "recommendation__position",
                ],
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
            },
        ),
        migrations.AlterModelOptions(
            name="answerchange",
            options={
                "ordering": ["-changed_at", "-pk"],
                "verbose_name": "answer change",
                "verbose_name_plural": "answer changes",
            },
        ),
        migrations.AlterField(
            model_name="answer",
            name="assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="assessments.assessment",
                verbose_name="assessment",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="recommendation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="catalogue.recommendation",
                verbose_name="recommendation",
            ),
        ),
        migrations.AlterField(
            model_name="answerchange",
            name="answer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="assessments.answer",
                verbose_name="answer",
            ),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="answer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments",
                to="assessments.answer",
                verbose_name="answer",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("assessment", "recommendation"),
                name="one_answer_per_assessment_recommendation",
            ),
        ),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["", "implemented", "partially_implemented", "not_started"])
                ),
                name="answer_status_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="answerchange",
            index=models.Index(
                fields=["answer", "-changed_at"], name="assessments_answer__780ce4_idx"
            ),
        ),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
