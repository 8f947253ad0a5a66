"""What the processes under test cost, read from `/proc`: CPU time and peak RSS."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["cpu_seconds", "descendants", "peak_rss_kib", "proc_stats", "reset_peak_rss"]


def proc_stats() -> dict[int, list[str]]:
    """`/proc/<pid>/stat` fields after the command name: state, ppid, pgrp, …"""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                # The command name may hold spaces and parentheses; fields follow the last ')'.
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    return stats


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group; zombies may never be reaped here."""
    return [pid for pid, f in proc_stats().items() if int(f[2]) == pgid and f[0] != "Z"]


def descendants(pid: int, *, workers_only: bool = True) -> list[int]:
    """Pids under `pid`; by default only workers (uvicorn spawns them via multiprocessing)."""
    parents = {child: int(f[1]) for child, f in proc_stats().items() if f[0] != "Z"}
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return [p for p in found if _is_worker(p)] if workers_only else found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of `pid` and everything under it."""
    stats = proc_stats()
    ticks = 0
    for member in [pid, *descendants(pid, workers_only=False)]:
        fields = stats.get(member)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14, 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def _is_worker(pid: int) -> bool:
    """uvicorn workers run `multiprocessing.spawn`; the resource tracker is not one."""
    with contextlib.suppress(OSError):
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


def _vm_hwm_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak_rss(master_pid: int) -> None:
    """Restart VmHWM of the master and workers at their current RSS (`clear_refs` 5)."""
    for pid in [master_pid, *descendants(master_pid)]:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_kib(master_pid: int) -> dict[str, int]:
    """Peak RSS (VmHWM) of the uvicorn master and of its workers, in KiB."""
    workers = [_vm_hwm_kib(pid) for pid in descendants(master_pid)]
    master = _vm_hwm_kib(master_pid)
    return {
        "master_kib": master,
        "workers": len(workers),
        "max_worker_kib": max(workers, default=0),
        "total_kib": master + sum(workers),
    }
