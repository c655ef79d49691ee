"""Synthetic GenIMS data: deterministic, referentially consistent, over a window that ends now.

`GENERATORS` lists the modules in the order they run; a module may reference
the rows of any module before it (`ctx.rows(db, table)`), never after.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from genims_assets.synthetic.context import GenContext

GENERATORS: tuple[str, ...] = (
    "master",
    "reference",
    "operational",
    "mes",
    "qms",
    "erp",
    "supplier",
    "planning",
    "tms",
    "wms",
    "hcm",
    "cmms",
    "crm",
    "service",
)


def generator(name: str) -> Callable[[GenContext], None]:
    return importlib.import_module(f"genims_assets.synthetic.{name}").generate


def generate_all(ctx: GenContext, progress: Callable[[str], None] | None = None) -> GenContext:
    """Run every generator in order, filling `ctx`."""
    for name in GENERATORS:
        generator(name)(ctx)
        if progress:
            progress(name)
    return ctx
