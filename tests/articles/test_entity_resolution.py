"""Names -> entities through the alias table, in batches and against a concurrent worker."""

import queue
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from articles.models import Entity, EntityAlias
from articles.tagging import resolve_entity, resolve_names
from tests.factories import EntityFactory


@pytest.mark.django_db
def test_names_resolve_in_order_as_if_created_one_by_one():
    known = EntityFactory(kind="ORG", name="État islamique", slug="etat-islamique-org")
    EntityAlias.objects.create(entity=known, kind="ORG", key="etat islamique", surface="État")
    entity_ids = resolve_names(
        [
            ("ORG", "Etat islamique", "EI"),
            ("PER", "Bachar al-Assad", "Assad"),
            ("PER", "Assad", "Assad"),  # the surface alias above already says who this is
            ("LOC", "Alep", ""),
        ]
    )
    assert entity_ids[("ORG", "etat islamique")] == entity_ids[("ORG", "ei")] == known.pk
    assad = Entity.objects.get(kind="PER", name="Bachar al-Assad")
    assert entity_ids[("PER", "assad")] == entity_ids[("PER", "bachar al assad")] == assad.pk
    assert Entity.objects.get(pk=entity_ids[("LOC", "alep")]).slug == "alep-loc"
    assert Entity.objects.count() == 3
    assert set(EntityAlias.objects.values_list("kind", "key", "surface")) == {
        ("ORG", "etat islamique", "État"),
        ("ORG", "ei", "EI"),
        ("PER", "bachar al assad", "Bachar al-Assad"),
        ("PER", "assad", "Assad"),
        ("LOC", "alep", "Alep"),
    }


@pytest.mark.django_db
def test_new_entities_whose_slugs_collide_are_numbered():
    EntityFactory(kind="PER", name="Sean O'Neil", slug="sean-oneil-per")
    entity_ids = resolve_names(
        [("PER", "Sean O'Neil", ""), ("PER", "Sean ONeil", ""), ("PER", "Seán O Neil", "")]
    )
    slugs = {key: Entity.objects.get(pk=pk).slug for key, pk in entity_ids.items()}
    assert slugs == {
        ("PER", "sean o neil"): "sean-oneil-per-2",
        ("PER", "sean oneil"): "sean-oneil-per-3",
    }
    assert resolve_entity(kind="PER", name="Sean ONeil").slug == "sean-oneil-per-3"


def resolve_in_own_connection(names, backend_pids: queue.Queue) -> dict:
    """Resolve names as another worker would: its own connection, its own transactions."""
    try:
        connection.ensure_connection()
        backend_pids.put(connection.connection.info.backend_pid)
        return resolve_names(names)
    finally:
        connection.close()


def wait_until_blocked(backend_pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [backend_pid])
            if cursor.fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the second worker never waited for the first one's rows")


TOURE = ("PER", "Aminata Touré", "Touré")
TOMBOUCTOU = ("LOC", "Tombouctou", "")
AMINATA = ("PER", "Aminata Touré", "")  # the name alone, without the surname alias


@pytest.mark.parametrize(
    ("existing", "first_names", "second_names"),
    [
        ([], [TOURE, TOMBOUCTOU], [TOURE, TOMBOUCTOU]),
        ([AMINATA, TOMBOUCTOU], [TOURE, TOMBOUCTOU], [TOURE, TOMBOUCTOU]),
        ([AMINATA], [("PER", "Touré", "")], [TOURE]),
    ],
    ids=["same-new-entities", "same-new-alias", "alias-taken-by-another-entity"],
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_resolving_the_same_new_names_share_the_first_ones_rows(
    existing, first_names, second_names
):
    before = resolve_names(existing) if existing else {}
    backend_pids: queue.Queue = queue.Queue()
    with ThreadPoolExecutor(max_workers=1) as pool:
        with transaction.atomic():
            first = resolve_names(first_names)
            second = pool.submit(resolve_in_own_connection, second_names, backend_pids)
            # The unique constraints make the second worker wait for the first to commit.
            wait_until_blocked(backend_pids.get(timeout=30))
        second = second.result(timeout=60)
    assert {key: second[key] for key in first.keys() & second.keys()} == {
        key: first[key] for key in first.keys() & second.keys()
    }
    assert {key: second[key] for key in before.keys() & second.keys()} == {
        key: before[key] for key in before.keys() & second.keys()
    }
    assert set(Entity.objects.values_list("pk", flat=True)) == {*first.values(), *second.values()}
    assert not Entity.objects.filter(aliases__isnull=True).exists()
