from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_loaders() -> list:
    """Each installed app's ``demo.load``, in ``INSTALLED_APPS`` order (later apps build on earlier ones).

    An app contributes demo data by having a ``demo`` module, as it contributes ``admin`` pages; the
    loader names no app, so it depends on none (tenancy's own ``demo`` lays the clusters first)."""
    return [
        import_module(f"{config.name}.demo").load
        for config in apps.get_app_configs()
        if config.name.startswith("apps.") and module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    help = "Load the demo cluster landscape (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for loader in demo_loaders():
                logins += loader()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for email, (password, roles) in merged(logins).items():
            self.stdout.write(f"  {email:<44} {password:<20} {'; '.join(roles)}")


def merged(logins: list[tuple[str, str, str]]) -> dict[str, tuple[str, list[str]]]:
    """One line per person, naming every role the loaders gave them (an owner may hold a seat), each once
    (two loaders may both name a person they share, as parks and partnerships do the park's administrator)."""
    people: dict[str, tuple[str, list[str]]] = {}
    for email, password, what in logins:
        roles = people.setdefault(email, (password, []))[1]
        if what not in roles:
            roles.append(what)
    return people
