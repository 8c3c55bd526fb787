"""Message attachments (owner: messaging UI helper — replace this first version)."""


def attachments_prepare(files):
    raise NotImplementedError


def attachments_store(message, prepared) -> None:
    raise NotImplementedError
