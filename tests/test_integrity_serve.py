"""Issue 10, item 7: an import into the file `archive serve` is serving is refused with a
message saying how to do it, the file and the server unharmed; stopped, imported and served
again, the server shows the new article. A real server on a real port."""

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from archive.db import database_url, import_lock

from .conftest import DEV_CORPUS, free_port, invoke

COUNT = "/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array"


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(base + "/-/versions.json", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def articles(base: str) -> int:
    return json.loads(urlopen(base + COUNT, timeout=10).read())[0]["n"]


def archive(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "archive.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_import_into_a_served_database_is_refused_then_works_once_stopped(built_db, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(built_db, db)
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(DEV_CORPUS / "dev_01.txt", extra)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    server, base = start_server(db)
    try:
        assert articles(base) == 5
        for args in (["import", str(extra), "--db", str(db)], ["build", "--output", str(db)]):
            run = archive(*args)
            assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
            assert "is being served by `archive serve`" in run.stderr
            assert "stop the server, run this command, then start `archive serve` again" in (
                run.stderr
            )
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        for page in ("/archive/meetings_browse", "/archive/articles", COUNT):
            assert urlopen(base + page, timeout=10).status == 200
        assert articles(base) == 5
    finally:
        stop(server)
    invoke("import", str(extra), "--db", str(db))
    server, base = start_server(db)
    try:
        assert articles(base) == 6
    finally:
        stop(server)


def test_serving_is_refused_while_an_import_is_running(built_db, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(built_db, db)
    with import_lock(database_url(db)):
        run = archive("serve", "--db", str(db), "--port", str(free_port()))
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"an import is running into {db}" in run.stderr
