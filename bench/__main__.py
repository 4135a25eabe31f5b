"""`make bench`: every benchmark, printed as one table with ratios against in-run baselines."""

import os
import platform
import sys
import time
import warnings

from bench import backups, foundation, productos, scale, tickets
from bench.harness import bench_database_url, table


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")
    started = time.time()
    database_url = bench_database_url()
    env = foundation.prepare(database_url)
    rows = scale.run(env)
    rows += foundation.run(env)
    rows += tickets.run(env)
    rows += productos.run(env)
    rows += backups.run(env)
    print()
    print(f"Machine: {platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(table(rows))
    print(f"\n({time.time() - started:.0f} s)")
    return 1 if any("FAIL" in r.get("verdict", "") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
