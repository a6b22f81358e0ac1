"""The one-query permission backend answers as Django's own does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission

from newsroom.auth import OneQueryModelBackend
from tests.factories import UserFactory


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.django_db
def test_permissions_of_user_and_groups_match_djangos_in_one_query(django_assert_num_queries):
    user = UserFactory()
    group = Group.objects.create(name="relecteurs")
    group.permissions.add(Permission.objects.get(codename="change_article"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="export_results"))
    expected = ModelBackend().get_all_permissions(_fresh(user))
    assert expected == {"articles.change_article", "articles.export_results"}
    fresh = _fresh(user)
    with django_assert_num_queries(1):
        assert OneQueryModelBackend().get_all_permissions(fresh) == expected
        assert fresh.has_perm("articles.change_article")  # cached for the request
    assert not fresh.has_perm("articles.delete_article")


@pytest.mark.django_db
def test_superuser_inactive_and_anonymous():
    admin = UserFactory(is_superuser=True)
    assert OneQueryModelBackend().get_all_permissions(admin) == ModelBackend().get_all_permissions(
        _fresh(admin)
    )
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="export_results"))
    assert OneQueryModelBackend().get_all_permissions(inactive) == set()
    assert OneQueryModelBackend().get_all_permissions(AnonymousUser()) == set()
