"""slap usage: a node with a partition whose service burns 3 CPU-seconds, an idle one
beside it and one whose service forks short-lived children; what the ledger charges each,
the report (JSON, CSV, costs), the SlapOS export, top, and kill -9 of the collector at
random points. Every test stops the node's supervisord at its end (the `node` fixture)."""
import csv
import io
import random
import signal
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import SLAP
from test_node import FAMILY_SOFTWARE, node, wait_for  # noqa: F401 (node is a fixture)

# One software release, three software types: the service of each burns CPU its own way.
INSTANCE = """
[buildout]
parts = switch-softwaretype

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration
computer = $${slap-connection:computer-id}
partition = $${slap-connection:partition-id}
url = $${slap-connection:server-url}
key = $${slap-connection:key-file}
cert = $${slap-connection:cert-file}

[switch-softwaretype]
recipe = slapos.cookbook:switch-softwaretype
default = burn-profile:output
idle = idle-profile:output
forks = forks-profile:output

[burn-profile]
recipe = slapos.recipe.template
output = $${buildout:directory}/burn.cfg
inline =
  [buildout]
  parts = service
  [service]
  recipe = slapos.cookbook:wrapper
  command-line = /usr/bin/python3 ${instance:base}/burn.py $${buildout:directory}
  wrapper-path = $${buildout:directory}/etc/service/burn

[idle-profile]
recipe = slapos.recipe.template
output = $${buildout:directory}/idle.cfg
inline =
  [buildout]
  parts = service
  [service]
  recipe = slapos.cookbook:wrapper
  command-line = sleep 100000
  wrapper-path = $${buildout:directory}/etc/service/idle

[forks-profile]
recipe = slapos.recipe.template
output = $${buildout:directory}/forks.cfg
inline =
  [buildout]
  parts = service
  [service]
  recipe = slapos.cookbook:wrapper
  command-line = /usr/bin/python3 ${instance:base}/forks.py $${buildout:directory}
  wrapper-path = $${buildout:directory}/etc/service/forks
"""

# Burns 3 CPU-seconds (its own, counted from its start), says so, then sleeps.
BURN = """import os, sys, time
while time.process_time() < 3.0:
    pass
open(os.path.join(sys.argv[1], "burnt"), "w").write(str(time.process_time()))
time.sleep(100000)
"""

# Runs 6 children one after the other, each burning 0.3 CPU-second and exiting, then
# writes what the kernel counted for it and its children, and sleeps.
FORKS = """import os, resource, subprocess, sys, time
child = "import time\\nwhile time.process_time() < 0.3: pass\\n"
for _ in range(6):
    subprocess.run([sys.executable, "-c", child], check=True)
s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
total = s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
open(os.path.join(sys.argv[1], "forked"), "w").write(str(total))
time.sleep(100000)
"""


@pytest.fixture
def release(slap):
    sr = slap.cwd / "burner"
    sr.mkdir()
    (sr / "software.cfg").write_text(FAMILY_SOFTWARE)  # instance.cfg.in, with ${instance:base}
    (sr / "instance.cfg.in").write_text(INSTANCE)
    (sr / "burn.py").write_text(BURN)
    (sr / "forks.py").write_text(FORKS)
    return sr / "software.cfg"


def deploy(node, release, *types):
    for t in types:
        r = node.request(t, release, "--type", t)
        assert r.code == 4, r
    once = node("node", "--once")
    assert once.code == 0, once
    return {p["instance"]["title"]: p["id"] for p in node.status()["partitions"] if p["instance"]}


def report(node, *args):
    r = node.slap("--json", "usage", "--root", node.root, "report", *args)
    assert r.code == 0, r
    return r.json["result"]


def charged(node, partition):
    rows = [p for p in report(node, "--partition", partition)["partitions"]]
    return sum(p["cpu_seconds"] for p in rows)


def collect(node):
    r = node.slap("--json", "usage", "--root", node.root, "collect")
    assert r.code == 0, r
    return r.json["result"]


def test_a_service_burning_3_cpu_seconds_is_charged_3_its_idle_neighbour_nothing(node, release):
    parts = deploy(node, release, "default", "idle")
    burn, idle = parts["default"], parts["idle"]
    done = node.partition(burn) / "burnt"
    wait_for(lambda: done.exists(), 30, "the service burning its 3 CPU-seconds")
    collect(node)
    print(f"burn charged {charged(node, burn):.3f} s, idle {charged(node, idle):.3f} s")
    assert 2.7 <= charged(node, burn) <= 3.3
    assert charged(node, idle) <= 0.05
    # Nothing more is charged while it sleeps, however often the collector runs.
    for _ in range(3):
        collect(node)
    assert 2.7 <= charged(node, burn) <= 3.3
    rows = {p["partition"]: p for p in report(node)["partitions"]}
    assert rows[burn]["instance"] == "default" and rows[burn]["reference"].startswith("SOFT-")
    assert rows[burn]["processes_peak"] == 1
    assert 1_000_000 < rows[burn]["memory"]["peak_bytes"] < 500_000_000
    assert 0 < rows[burn]["memory"]["average_bytes"] <= rows[burn]["memory"]["peak_bytes"]
    assert rows[burn]["disk"]["peak_bytes"] > 0
    assert rows[idle]["cpu_seconds"] <= 0.05


def test_a_service_forking_short_lived_children_is_charged_their_cpu(node, release):
    parts = deploy(node, release, "forks")
    forks = parts["forks"]
    done = node.partition(forks) / "forked"
    wait_for(lambda: done.exists(), 60, "the service's children to have run")
    truth = float(done.read_text())
    assert truth >= 1.7  # 6 x 0.3 s, and the interpreters' starts
    collect(node)
    print(f"forks charged {charged(node, forks):.3f} s, kernel counted {truth:.3f} s")
    assert abs(charged(node, forks) - truth) <= 0.1 * truth + 0.05


def test_kill_9_of_the_collector_at_random_points_never_corrupts_nor_counts_twice(node, release):
    parts = deploy(node, release, "default", "idle")
    burn = parts["default"]
    ledger = node.root / "usage.db"
    start = time.monotonic()
    collect(node)
    took = time.monotonic() - start
    rng = random.Random(20)
    killed = 0
    for _ in range(20):
        proc = subprocess.Popen([SLAP, "usage", "--root", str(node.root), "collect"], env=node.slap.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, took * 1.2))
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        with sqlite3.connect(ledger) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert killed >= 5  # most runs were cut short somewhere
    done = node.partition(burn) / "burnt"
    wait_for(lambda: done.exists(), 30, "the service burning its 3 CPU-seconds")
    collect(node)
    print(f"{killed} of 20 collectors killed; burn charged {charged(node, burn):.3f} s")
    assert 2.7 <= charged(node, burn) <= 3.3
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT time, interval FROM sample WHERE partition = ? ORDER BY id", (burn,)).fetchall()
    # Each sample closes the interval since the previous committed one: none twice, none lost.
    for (before, _), (after, interval) in zip(rows, rows[1:]):
        assert after >= before and interval == after - before


def test_report_csv_costs_export_and_top(node, release, slap):
    config = slap.home / ".config" / "slap" / "slap.toml"
    config.write_text(config.read_text() +
                      '[usage]\ncurrency = "EUR"\n[usage.price]\ncpu-hour = 3.6\nmemory-gib-hour = 0.01\n')
    parts = deploy(node, release, "default")
    burn = parts["default"]
    wait_for(lambda: (node.partition(burn) / "burnt").exists(), 30, "the burn")
    collect(node)
    # One period for the report and the export: a time-weighted average depends on its end.
    until = "@%d" % (int(time.time()) + 1)
    r = report(node, "--partition", burn, "--until", until)
    (row,) = r["partitions"]
    assert r["currency"] == "EUR"
    cpu = next(c for c in row["costs"] if c["resource"] == "cpu")
    assert cpu["unit"] == "CPU-hour" and cpu["price"] == 3.6
    assert cpu["cost"] == pytest.approx(row["cpu_seconds"] / 3600 * 3.6)
    assert [c["resource"] for c in row["costs"]] == ["cpu", "memory"]
    assert r["cost"] == pytest.approx(sum(c["cost"] for c in row["costs"]))
    # CSV: one line per resource.
    out = node.slap("usage", "--root", node.root, "report", "--partition", burn, "--csv")
    assert out.code == 0, out
    lines = list(csv.DictReader(io.StringIO(out.out)))
    cpu_line = next(x for x in lines if x["resource"] == "cpu")
    assert float(cpu_line["quantity"]) == pytest.approx(row["cpu_seconds"] / 3600, rel=1e-3)
    assert float(cpu_line["cost"]) == pytest.approx(cpu["cost"], rel=1e-3)
    # Human: a table with the costs.
    human = node.slap("usage", "--root", node.root, "report")
    assert human.code == 0 and "PARTITION" in human.out and "COSTS" in human.out and "EUR" in human.out, human
    # Nothing in a period before the node existed.
    assert report(node, "--until", "2020-01-01")["partitions"] == []
    # The SlapOS consumption document.
    export = node.slap("usage", "--root", node.root, "export", "--format", "slapos", "--until", until)
    assert export.code == 0, export
    journal = ET.fromstring(export.out)
    (transaction,) = journal.findall("transaction")
    assert transaction.get("type") == "Sale Packing List"
    assert [e.tag for e in transaction][:8] == ["title", "start_date", "stop_date", "reference", "currency",
                                               "payment_mode", "category", "arrow"]
    moves = {(m.findtext("resource"), m.findtext("reference")): float(m.findtext("quantity"))
             for m in transaction.findall("movement")}
    ref = row["reference"]
    assert ("service_module/cpu_load_percent", ref) in moves
    assert moves[("service_module/memory_used", ref)] == pytest.approx(row["memory"]["average_bytes"] / 2**20, rel=1e-3)
    written = node.slap("usage", "--root", node.root, "export", "--format", "slapos", "-o", "out.xml")
    assert written.code == 0 and ET.parse(slap.cwd / "out.xml").getroot().tag == "journal", written
    # top: the burning partition first.
    top = node.slap("--json", "usage", "--root", node.root, "top")
    assert top.code == 0, top
    assert top.json["result"]["partitions"][0]["partition"] == burn
    screen = node.slap("usage", "--root", node.root, "top")
    assert screen.code == 0 and screen.out.splitlines()[2].startswith(burn), screen


def test_node_runs_record_usage_and_errors_exit_2(node, release):
    deploy(node, release, "idle")
    assert (node.root / "usage.db").exists()  # slap node --once collected
    assert node.slap("usage", "--root", node.root, "report", "--since", "yesterday").code == 2
    assert node.slap("usage", "--root", node.root, "export", "--format", "xml").code == 2
    assert node.slap("usage", "--root", node.root, "report", "--csv", "--json").code == 2
    empty = node.slap("usage", "--root", node.root / "nowhere", "report")
    assert empty.code == 2 and "no node in" in empty.err, empty
