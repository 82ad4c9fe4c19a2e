"""The table of `make bench`: one row per path, the median of its rounds; read from bench/run.sh's result lines.

Each input line is `<path> round=<n> requests=… rps=… p50_ms=… … worker_ticks=… ticks_per_second=…`. A path's share
of the floor is worked out within each round (the floor measured minutes apart on a shared machine is another
machine), then the median of those shares is shown. Exits 1 if any request failed or a path served none.
"""

import sys
from collections import defaultdict
from statistics import median

ERRORS = ("non2xx", "connect", "read", "write", "timeout")


def parse(line: str) -> tuple[str, dict[str, float]]:
    path, *pairs = line.split()
    return path, {key: float(value) for key, value in (pair.split("=", 1) for pair in pairs)}


def main() -> int:
    runs = [parse(line) for line in sys.stdin if line.strip()]
    if not runs:
        print("no measurements", file=sys.stderr)
        return 1
    floor_path = runs[0][0]
    floor_by_round = {values["round"]: values["rps"] for path, values in runs if path == floor_path}
    by_path: dict[str, list[dict[str, float]]] = defaultdict(list)
    for path, values in runs:
        by_path[path].append(values)

    print(
        f"| {'path':<16} | {'requests/s':>10} | {'p50 ms':>8} | {'p90 ms':>8} | {'p99 ms':>8} | {'% floor':>8} "
        f"| {'CPU ms':>8} | {'errors':>6} |"
    )
    print("|------------------|-----------:|---------:|---------:|---------:|---------:|---------:|-------:|")
    failed = False
    for path, rounds in by_path.items():
        errors = int(sum(values[name] for values in rounds for name in ERRORS))
        failed = failed or errors > 0 or any(values["requests"] == 0 for values in rounds)
        shares = [
            100 * values["rps"] / floor_by_round[values["round"]]
            for values in rounds
            if floor_by_round.get(values["round"])
        ]
        cpu = [
            1000 * values["worker_ticks"] / values["ticks_per_second"] / values["requests"]
            for values in rounds
            if values["requests"] > 0
        ]
        share = f"{median(shares):7.0f}%" if shares else "       -"
        cpu_ms = f"{median(cpu):8.2f}" if cpu else "       -"
        print(
            f"| {path:<16} | {median(v['rps'] for v in rounds):10.0f} | {median(v['p50_ms'] for v in rounds):8.2f} "
            f"| {median(v['p90_ms'] for v in rounds):8.2f} | {median(v['p99_ms'] for v in rounds):8.2f} | {share} "
            f"| {cpu_ms} | {errors:6d} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
