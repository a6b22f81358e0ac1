"""factory_boy factories for the archive's rows."""

import factory
from django.contrib.auth import get_user_model

from articles.models import Article, Entity, Mention, Source, Story


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = "AFP"


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    source = factory.SubFactory(SourceFactory)
    story = factory.SubFactory(StoryFactory)
    title = factory.Sequence(lambda n: f"Dépêche numéro {n}")
    body = "La Turquie appelle la Russie à des opérations conjointes en Syrie."
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    kind = Entity.Kind.PERSON
    name = factory.Sequence(lambda n: f"Personne {n}")
    slug = factory.Sequence(lambda n: f"personne-{n}-per")


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    article = factory.SubFactory(ArticleFactory)
    entity = factory.SubFactory(EntityFactory)
    start = 0
    end = 2
    surface = factory.LazyAttribute(lambda m: m.article.body[m.start : m.end])
