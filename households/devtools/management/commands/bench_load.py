"""Load figure against a running production server (issue 20): N users for T seconds.

Start the server first (`make serve`, or the systemd unit), on a database with the province's
data (`generate_province --households 400000`), then:
    manage.py bench_load --url http://127.0.0.1:8000 --users 16 --seconds 60 --username province
Each simulated user logs in once, then opens the dashboard and the household list (first pages
and filters) in turn, as fast as the server answers. Prints the median, p95 and errors per page.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from households.devtools.http_client import Session

PAGES = [
    "/bao-cao/",
    "/ho-gia-dinh/",
    "/ho-gia-dinh/?classification=poor",
    "/ho-gia-dinh/?indicator=4",
    "/ho-gia-dinh/?page=2",
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = "Tải thử máy chủ thật: số người dùng đồng thời, thời gian; in trung vị, p95, lỗi."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", required=True)
        parser.add_argument("--users", type=int, default=16)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--username", default="province")
        parser.add_argument("--password", default="demo-BenTre-2025")

    def handle(
        self, *args, url: str, users: int, seconds: float, username: str, password: str, **o
    ):
        if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            raise CommandError("Chỉ đo máy chủ trên loopback (127.0.0.1, localhost).")
        timings: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        sessions = []
        for _ in range(users):  # log in first: the timed part is the pages only
            sessions.append(Session(url, password))
            sessions[-1].login(username)
        deadline = time.monotonic() + seconds

        def user(n: int) -> None:
            session = sessions[n]
            i = n
            while time.monotonic() < deadline:
                page = PAGES[i % len(PAGES)]
                i += 1
                started = time.perf_counter()
                try:
                    status, _, _ = session.request(page)
                except OSError:
                    status = 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    timings[page].append(elapsed)
                    if status != 200:
                        errors[page] += 1

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everything = [t for values in timings.values() for t in values]
        if not everything:
            raise CommandError("Không có yêu cầu nào được trả lời.")
        self.stdout.write(f"bench_load --url {url} --users {users} --seconds {seconds:g}")
        self.stdout.write(f"{'page':40} {'requests':>9} {'median':>9} {'p95':>9} {'errors':>7}")
        for page in PAGES:
            values = timings[page]
            if values:
                self.stdout.write(
                    f"{page:40} {len(values):9d} {statistics.median(values):7.0f}ms "
                    f"{_percentile(values, 0.95):7.0f}ms {errors[page]:7d}"
                )
        total_errors = sum(errors.values())
        self.stdout.write(
            f"{'all':40} {len(everything):9d} {statistics.median(everything):7.0f}ms "
            f"{_percentile(everything, 0.95):7.0f}ms {total_errors:7d}  "
            f"({len(everything) / seconds:.1f} requests/s)"
        )
