"""Imports read, check and write a batch of rows at a time (BATCH made small here), and stay all-or-nothing."""

import pytest

from techmayor.core.files import ImportRejected, Row, open_rows
from techmayor.core.models import AuditLog
from techmayor.enterprises.models import Enterprise
from techmayor.imports import stream
from techmayor.imports.engine import get_kind, locate
from techmayor.imports.models import ImportLog
from techmayor.imports.services import import_execute, import_preview
from techmayor.ledger.models import Visit
from tests.factories import EnterpriseFactory, credit_code
from tests.imports.conftest import csv_file, ctx_for
from tests.imports.test_cli_and_rollback import cli

HEADER = ["企业名称", "走访日期", "走访人员"]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(stream, "BATCH", 2)


def test_a_refusal_in_the_last_batch_leaves_nothing_written(w, tmp_path, small_batches):
    codes = [credit_code(7001 + i) for i in range(5)]
    rows = [["企业名称", "统一社会信用代码", "镇街"]] + [
        [f"常州批次{i}科技有限公司", c, "天目湖镇"] for i, c in enumerate(codes)
    ]
    ctx = ctx_for(w, w.users.admin)
    preview = import_preview("enterprises", csv_file(tmp_path / "企业.csv", rows), ctx=ctx)
    assert preview.counts["create"] == 5 and preview.errors == []
    # Between the preview and the writing, the last row's credit code is taken: its service refuses it
    # while the first two batches are already written in the transaction.
    EnterpriseFactory(name="另一家公司", credit_code=codes[-1])
    audited = AuditLog.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_execute(preview, ctx=ctx)
    assert rejected.value.errors[0].startswith("第6行: 统一社会信用代码")
    assert not Enterprise.objects.filter(credit_code__in=codes[:4]).exists()
    assert ImportLog.objects.count() == 0 and AuditLog.objects.count() == audited
    log = import_execute(preview, ctx=ctx, skip_bad=True)  # the staged rows are kept for another try
    assert (log.created_count, log.skipped_count) == (4, 1)
    assert log.errors[0].startswith("第6行") and len(log.created["enterprises.enterprise"]) == 4


def test_skip_bad_across_batches_reports_every_bad_row_and_writes_the_rest(w, tmp_path, small_batches):
    rows = [
        HEADER,
        ["常州恒远精密机械有限公司", "2021-9-3", "张三"],
        ["常州恒远精密机械有限公司", "下周", "张三"],  # bad in the first batch
        ["常州恒远精密机械有限公司", "2021-9-5", "李四"],
        ["常州恒远精密机械有限公司", "2021-9-6", "李四"],
        ["常州恒远精密机械有限公司", "2021-9-3", "李四"],  # repeats row 2, two batches later
        ["常州恒远精密机械有限公司", "2021-9-7", "赵六"],  # bad in the last batch
        ["常州恒远精密机械有限公司", "2021-9-8", "张三"],
    ]
    path = str(csv_file(tmp_path / "走访.csv", rows))
    args = [path, "--kind", "visits", "--batch", "14", "--city", "常州市"]
    with pytest.raises(Exception, match="有 3 处错误，未写入任何数据"):
        cli(*args)
    assert Visit.objects.count() == 0
    out, err = cli(*args, "--skip-bad")
    assert "第3行: 走访日期" in err and "第6行: 企业名称: 与第2行重复" in err and "第7行: 走访人员" in err
    assert "新增 4" in out and "跳过 3 行" in out
    assert sorted(str(d) for d in Visit.objects.values_list("date", flat=True)) == [
        "2021-09-03", "2021-09-05", "2021-09-06", "2021-09-08"
    ]  # fmt: skip


def test_rows_are_planned_while_they_are_read(w, small_batches):
    """The checking pass takes any iterator of rows and plans each batch before reading on: by the time
    the seventh data row is asked for, three batches are counted (nothing holds the whole file)."""
    kind = get_kind("visits")
    head = [Row(1, tuple(HEADER))]
    layout = locate(stream_of(head), kind)
    preview = stream.Preview(kind, "gen", "", layout, staging=False)
    seen_when_asked = {}

    def rows():
        yield from head
        for n in range(2, 12):
            seen_when_asked[n] = sum(preview.counts.values())
            yield Row(n, ("常州恒远精密机械有限公司", f"2021-9-{n}", "张三"))

    stream.plan_file(preview, rows(), ctx_for(w, w.users.admin))
    assert seen_when_asked[8] == 6 and preview.counts["create"] == 10


def stream_of(rows):
    from pathlib import Path

    from techmayor.core.files import RowStream

    return RowStream(Path("gen.csv"), iter(rows))


def test_a_csv_is_read_a_row_at_a_time(tmp_path):
    """The encoding is decided on the file's first bytes; the rows come as they are read (the rows
    before the block holding bytes that do not decode are yielded), and the error says where."""
    path = tmp_path / "v.csv"
    lines = ["企业名称,走访日期"] + [f"常州恒远精密机械有限公司,2021-9-{d % 28 + 1}" for d in range(3000)]
    assert len("\n".join(lines).encode()) > 2 * stream_sample()
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfe\xfa,2021-9-30\n")
    rows = open_rows(path)
    assert rows.head(1)[0].cells == ("企业名称", "走访日期")
    got = []
    with pytest.raises(Exception, match=r"第\d+行附近的文字不是文件开头的编码（utf-8）"):
        for row in rows:
            got.append(row.number)
    assert got == list(range(1, len(got) + 1)) and len(got) > 2900  # all but the last block before the bad bytes


def stream_sample() -> int:
    from techmayor.core import files

    return files._SAMPLE


def test_the_preview_keeps_a_bounded_sample_and_counts_everything(w, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "KEPT", 3)
    rows = [HEADER] + [["常州恒远精密机械有限公司", f"2021-9-{d}", "张三"] for d in range(1, 11)]
    rows += [["常州恒远精密机械有限公司", "某天", "张三"] for _ in range(5)]
    preview = import_preview("visits", csv_file(tmp_path / "v.csv", rows), ctx=ctx_for(w, w.users.admin))
    assert preview.counts == {"create": 10, "update": 0, "unchanged": 0, "bad": 5}
    assert len(preview.of("create")) == 3 and len(preview.errors) == 3 and preview.error_count == 5
    log = import_execute(preview, ctx=ctx_for(w, w.users.admin), skip_bad=True)
    assert (log.created_count, log.skipped_count, Visit.objects.count()) == (10, 5, 10)
    assert log.errors[-1] == "……另有 2 处错误未列出"
