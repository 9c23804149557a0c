"""``techmayor serve``: the production server — gunicorn with several workers, static files collected
for whitenoise, and the background-job worker beside it (README, "Deployment")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "生产服务器：gunicorn（多个进程）提供网页，whitenoise 提供静态文件，并在旁运行后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("BIND", "127.0.0.1:8000"), help="监听地址（默认 BIND 或 127.0.0.1:8000）"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", 0)) or default_workers(),
            help="gunicorn 进程数（默认 WEB_WORKERS 或 2×CPU+1）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", 1)),
            help="每个进程的线程数（默认 WEB_THREADS 或 1）",
        )
        parser.add_argument("--no-jobs", action="store_true", help="不启动后台任务进程（它作为单独的服务运行时）")
        parser.add_argument("--no-collectstatic", action="store_true", help="不收集静态文件（已收集时）")

    def handle(self, *args, bind, workers, threads, no_jobs, no_collectstatic, **options):
        if settings.DEBUG:
            raise CommandError("serve 是生产服务器，DEBUG 须关闭（开发时用 make run）")
        if workers < 1 or threads < 1:
            raise CommandError("--workers 和 --threads 须为正整数")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        children = []
        if not no_jobs:
            children.append(subprocess.Popen([python, "-m", "techmayor.config.cli", "run_huey", "--quiet"]))
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "techmayor.config.wsgi:application",
                f"--bind={bind}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--access-logfile=-",
                "--timeout=120",
                "--no-control-socket",  # several servers may share a machine; systemd manages this one
            ]
        )
        children.append(web)

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = web.wait()
        stop(None, None)
        for child in children:
            child.wait()
        if code:
            raise CommandError(f"gunicorn 退出，代码 {code}")
