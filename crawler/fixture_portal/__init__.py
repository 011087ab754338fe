"""The fixture portal: realistic local gov sites on 127.0.0.1 for tests, benchmarks and the demo.

Each site runs its own ``ThreadingHTTPServer`` on a port the OS picks. Content (年报 in the
pre-2019, 2019 and 2021 layouts, other notices, dead links) is generated from a seed, and
:meth:`FixturePortal.truth` says exactly what a crawl must archive.
"""

from .portal import FixturePortal
from .site import Site

__all__ = ["FixturePortal", "Site"]
