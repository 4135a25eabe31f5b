"""`make bench`: every benchmark, printed as one table with ratios against in-run baselines."""

import os
import platform
import sys
import time
import warnings

from bench import backups, citus, cost, foundation, mixed, productos, scale, tenants, tickets
from bench.harness import bench_database_url, table

# in this order; BENCH_ONLY=mixed,tickets runs some of them
SECTIONS = {
    "scale": scale,
    "foundation": foundation,
    "tickets": tickets,
    # CPU per request of the desk's requests, and the servers compared
    "cost": cost,
    "productos": productos,
    "backups": backups,
    "mixed": mixed,
    # its own two databases (10 tenants and BENCH_TENANTS): migrate, backup, restore, creation at scale
    "tenants": tenants,
    # only with CITUS_DATABASE_URL (a Citus coordinator): the same requests on the cluster
    "citus": citus,
}


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")
    started = time.time()
    only = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        print(f"BENCH_ONLY: unknown sections {sorted(unknown)}; known: {', '.join(SECTIONS)}")
        return 2
    database_url = bench_database_url()
    env = foundation.prepare(database_url)
    rows = []
    for name, section in SECTIONS.items():
        if not only or name in only:
            rows += section.run(env)
    print()
    print(f"Machine: {platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(table(rows))
    print(f"\n({time.time() - started:.0f} s)")
    return 1 if any("FAIL" in r.get("verdict", "") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
