import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from apps.tenancy.models import Cluster, ClusterRole

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    slug = factory.Sequence(lambda n: f"cluster-{n}")
    name_zh = factory.Sequence(lambda n: f"测试产业集群{n}")
    name_en = factory.Sequence(lambda n: f"Test Cluster {n}")
    kind = Cluster.Kind.VIRTUAL
    industry_focus = "Machining"
    region = "Yangtze River Delta"


class ClusterRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterRole

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)
    role = ClusterRole.Role.ADMINISTRATOR
