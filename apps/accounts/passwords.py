"""Password validators whose messages every language of the platform translates.

Django 5.2 changed the msgid of ``MinimumLengthValidator``'s error to ``%d``, which its own
zh_Hans catalogue does not have yet (it still translates the ``%(min_length)d`` form), so
a Chinese sign-up showed that one error in English. This validator asks for the message under
the msgid the catalogues translate.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
