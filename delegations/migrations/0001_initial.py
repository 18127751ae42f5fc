# The delegations' models move here from assessments (MemberState, DelegationMember, now
# Member) and accounts (Invitation, MembershipChange, now MemberChange) without touching
# a row: this migration only tells Django's state that they are this app's, on the
# tables they have; 0002 renames the tables and the content types.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import r2p_site.fonts


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("accounts", "0007_printable_names"),
        ("assessments", "0018_printable_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MemberState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, validators=[r2p_site.fonts.validate_printable], verbose_name='name')),
                        ('iso3', models.CharField(max_length=3, unique=True, verbose_name='ISO 3166 alpha-3 code')),
                        ('regional_group', models.CharField(choices=[('african', 'African States'), ('asia_pacific', 'Asia-Pacific States'), ('eastern_european', 'Eastern European States'), ('latin_american_caribbean', 'Latin American and Caribbean States'), ('western_european_other', 'Western European and other States')], max_length=30, verbose_name='regional group')),
                    ],
                    options={
                        'db_table': 'assessments_memberstate',
                        'verbose_name': 'Member State',
                        'verbose_name_plural': 'Member States',
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('iso3__regex', '^[A-Z]{3}$')), name='member_state_iso3_format'), models.CheckConstraint(condition=models.Q(('regional_group__in', ['african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', 'western_european_other'])), name='member_state_regional_group_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                        ('role', models.CharField(choices=[('editor', 'Editor'), ('focal_point', 'Focal point')], max_length=20, verbose_name='role')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('token_nonce', models.CharField(blank=True, editable=False, max_length=32)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('language', models.CharField(choices=[('ar', 'Arabic'), ('zh-hans', 'Chinese'), ('en', 'English'), ('fr', 'French'), ('ru', 'Russian'), ('es', 'Spanish')], default='en', max_length=10, verbose_name='language')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mail sent at')),
                        ('send_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='sending attempts')),
                        ('send_error', models.TextField(blank=True, verbose_name='delivery error')),
                        ('accepted_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='account created')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('member_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invitations', to='delegations.memberstate', verbose_name='Member State')),
                    ],
                    options={
                        'db_table': 'accounts_invitation',
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='MemberChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('invited', 'Invited'), ('invitation_accepted', 'Invitation accepted'), ('invitation_revoked', 'Invitation revoked'), ('unusable_link_opened', 'Expired or used link opened'), ('member_removed', 'Member removed'), ('focal_point_handed_over', 'Focal point role handed over'), ('member_added', 'Member added by the secretariat'), ('member_changed', 'Membership changed by the secretariat')], max_length=30, verbose_name='action')),
                        ('actor_name', models.CharField(blank=True, max_length=300, verbose_name='by (name)')),
                        ('subject', models.CharField(max_length=300, verbose_name='concerning')),
                        ('role', models.CharField(blank=True, choices=[('editor', 'Editor'), ('focal_point', 'Focal point')], max_length=20, verbose_name='role')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('invitation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='changes', to='delegations.invitation', verbose_name='invitation')),
                        ('member_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='member_changes', to='delegations.memberstate', verbose_name='Member State')),
                    ],
                    options={
                        'db_table': 'accounts_membershipchange',
                        'verbose_name': 'delegation membership change',
                        'verbose_name_plural': 'delegation membership changes',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['invited', 'invitation_accepted', 'invitation_revoked', 'unusable_link_opened', 'member_removed', 'focal_point_handed_over', 'member_added', 'member_changed'])), name='membership_change_action_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='Member',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('editor', 'Editor'), ('focal_point', 'Focal point')], default='editor', max_length=20, verbose_name='role')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='delegation_member', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('member_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='delegations.memberstate', verbose_name='Member State')),
                    ],
                    options={
                        'db_table': 'assessments_delegationmember',
                        'verbose_name': 'delegation member',
                        'verbose_name_plural': 'delegation members',
                        'ordering': ['member_state__name', 'user__username'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('role__in', ['editor', 'focal_point'])), name='delegation_member_role_valid')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='invitation',
                    constraint=models.CheckConstraint(condition=models.Q(('role__in', ['editor', 'focal_point'])), name='invitation_role_valid'),
                ),
                migrations.AddConstraint(
                    model_name='invitation',
                    constraint=models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='invitation_not_both_accepted_and_revoked'),
                ),
    
            ],
        ),
    ]
