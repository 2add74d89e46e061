"""Errors a person may read, in French: refusals and bad input (``UserError``), and a database the
app cannot open (``StartupError``), described without a traceback or a server path."""

from __future__ import annotations

import sqlalchemy.exc

from selection.domain.errors import ValidationError

UserError = ValidationError


class StartupError(RuntimeError):
    """The app cannot start on this database; the message says why and what to do, in French."""


def describe_startup_failure(err: BaseException) -> StartupError:
    if isinstance(err, ValidationError):  # e.g. a database from a newer version of the app
        return StartupError(str(err))
    text = str(getattr(err, "orig", err) or "").lower()
    if isinstance(err, sqlalchemy.exc.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return StartupError(
            "La base de données est illisible (fichier abîmé ou qui n'est pas une base de "
            "l'application). Restaurez la dernière sauvegarde, ou demandez à l'équipe qui "
            "administre l'outil de vérifier le fichier de données."
        )
    if isinstance(err, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return StartupError(
            "La base de données ne répond pas. Réessayez dans un instant ; si le problème "
            "persiste, prévenez l'équipe qui administre l'outil."
        )
    return StartupError(
        "L'application n'a pas pu ouvrir sa base de données. Prévenez l'équipe qui administre "
        "l'outil ; aucune donnée n'a été modifiée."
    )
