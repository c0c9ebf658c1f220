"""The local cache of decrypted sections: ``ucbr cache clear``."""

from __future__ import annotations

import typer

from ucbr.cli import ui
from ucbr.cli.app import cache_app
from ucbr.cli.common import options


@cache_app.command("clear")
def clear(ctx: typer.Context) -> None:
    """Delete this clone's cache of decrypted sections; the next scan decrypts every file."""
    from ucbr.storage.cache import clear_cache

    removed = clear_cache(options(ctx).register().root)
    ui.out(f"cache cleared ({removed} file{'s' * (removed != 1)} removed)")
