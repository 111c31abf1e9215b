"""The embedded broker (kombu's filesystem transport), with messages that appear whole.

kombu's ``Channel._put`` opens the message file and only then locks and writes it, so a
worker listing the folder in between reads an empty file and dies with ``JSONDecodeError``
(seen under ``make run``'s load). Here a message is written under a name the reader skips
(it does not end in ``<queue>.msg``) and renamed into place, which is atomic on POSIX.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
