"""The Django side of the matching engine: records from the database, the index on disk, feedback.

The engine (``techmayor.matching``) knows nothing of Django. This module

* turns :class:`~techmayor.resources.models.Achievement` rows into the engine's record dicts
  (:func:`achievement_records`): experts by their primary key, universities by 学校标识码;
* builds the index into ``MATCHING_INDEX_DIR`` (setting or environment variable; default
  ``VAR_DIR/matching/index``) with domain words from the GB/T 4754 industry names, labelled
  titles from the shipped ``techmayor/data/csl_titles_train.tsv.xz`` (the label classifier
  also trains on the pool's own 门类 / 学科 / IPC labels) and boilerplate learned from the
  needs in the database (:func:`matching_index_build`);
* loads it once per process and checks it per call (:func:`matcher_get` → ``Matcher.reloaded()``);
* keeps it current when achievements change (:func:`achievement_index_sync`, called by the
  corpus importer and, through ``signals.py`` → ``tasks.py``, after any other edit): small
  changes go to the index's delta, large ones rebuild it;
* records accept / decline judgements (:func:`match_feedback_record`, audited) that the
  selectors pass back to the engine as :class:`~techmayor.matching.ranker.Feedback`;
* keeps each need's standing assessment (:class:`~.models.NeedMatch`, "has a good match") up to
  date (:func:`need_assessments_refresh`);
* runs index builds as background jobs (:func:`index_build_submit`, ``tasks.py``).

Writers of the index (a build, an incremental sync) hold a file lock beside the index
directory, so a job, the CLI and an import never write it at once.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from filelock import FileLock

from techmayor import data
from techmayor.core.errors import ApplicationError
from techmayor.core.files import open_file
from techmayor.core.industries import read_industries
from techmayor.core.services import create_record
from techmayor.resources.models import Achievement, Expert, University

from .models import DeclineReason, MatchFeedback, MatchLevel, MatchTarget, NeedMatch

if TYPE_CHECKING:  # the engine (numpy, scipy, bm25s, jieba) loads on first use, not with every command
    from techmayor.matching.ranker import Assessment, Matcher

COMPACT_SHARE = 0.1  # rebuild instead of adding to the delta past this share of the pool
COMPACT_MIN = 2000  # … but small pools take this many pending changes first
PARALLEL_MIN = 20_000  # achievements from which an index build segments in one process per CPU
BOILERPLATE_MIN_NEEDS = 200  # learn enterprise boilerplate only from at least this many needs

_lock = threading.Lock()
_loaded: dict[str, Matcher] = {}


# ---------------------------------------------------------------- where the index lives


def index_dir() -> Path:
    """``settings.MATCHING_INDEX_DIR``, else ``$MATCHING_INDEX_DIR``, else ``VAR_DIR/matching/index``."""
    configured = getattr(settings, "MATCHING_INDEX_DIR", None) or os.environ.get("MATCHING_INDEX_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "matching" / "index"


def index_exists(directory: Path | None = None) -> bool:
    return ((directory or index_dir()) / "manifest.json").is_file()


_file_locks: dict[str, FileLock] = {}


def index_lock(directory: Path | None = None) -> FileLock:
    """The writers' lock of an index directory (``<dir>.lock`` beside it; re-entrant)."""
    path = str(directory or index_dir()) + ".lock"
    with _lock:
        if path not in _file_locks:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _file_locks[path] = FileLock(path)
        return _file_locks[path]


# ---------------------------------------------------------------- records


def _university_codes() -> dict[int, str]:
    return dict(University.objects.values_list("pk", "code"))


def _expert_links(achievement_ids: Sequence[int] | None = None) -> dict[int, list[str]]:
    through = Achievement.experts.through.objects.all()
    if achievement_ids is not None:
        through = through.filter(achievement_id__in=achievement_ids)
    links: dict[int, list[str]] = defaultdict(list)
    for achievement_id, expert_id in through.order_by("achievement_id", "expert_id").values_list(
        "achievement_id", "expert_id"
    ):
        links[achievement_id].append(str(expert_id))
    return links


def _expert_universities() -> dict[str, str]:
    codes = _university_codes()
    return {
        str(pk): codes[u] for pk, u in Expert.objects.filter(university__isnull=False).values_list("pk", "university")
    }


_RECORD_FIELDS = ("pk", "external_id", "kind", "title", "abstract", "keywords", "discipline", "category", "ipc")


def achievement_records(queryset=None, *, json_text: bool = False) -> Iterator[dict]:
    """The engine's record dicts for achievements (all, or ``queryset``), streamed.

    ``expert_ids``: the experts' primary keys; ``university_id``: the achievement's university's
    学校标识码, else its first expert's. ``json_text``: keywords and IPC codes as the JSON text the
    database holds, which the engine parses in its worker processes (an index build reads a
    million rows: decoding them here would keep the reading process busy).
    """
    queryset = Achievement.objects.all() if queryset is None else queryset
    codes = _university_codes()
    links = _expert_links()
    expert_unis = _expert_universities() if links else {}
    fields = list(_RECORD_FIELDS)
    if json_text:
        fields[fields.index("keywords")] = Cast("keywords", TextField())
        fields[fields.index("ipc")] = Cast("ipc", TextField())
    rows = queryset.order_by("pk").values_list(*fields, "university_id")
    for pk, ext, kind, title, abstract, keywords, discipline, category, ipc, uni in rows.iterator(chunk_size=2000):
        experts = links.get(pk, [])
        university = codes.get(uni, "") if uni else next((expert_unis[e] for e in experts if e in expert_unis), "")
        yield {
            "external_id": ext,
            "kind": kind,
            "title": title,
            "abstract": abstract,
            "keywords": keywords or [],
            "discipline": discipline,
            "category": category,
            "ipc": ipc or [],
            "expert_ids": experts,
            "university_id": university,
        }


def records_by_external_id(external_ids: Sequence[str]) -> list[dict]:
    out: list[dict] = []
    for i in range(0, len(external_ids), 900):
        out.extend(achievement_records(Achievement.objects.filter(external_id__in=external_ids[i : i + 900])))
    return out


def need_text(title: str, description: str) -> str:
    """What the engine reads of a need."""
    return f"{title}。{description}" if title and description else title or description


def _domain_words() -> list[str]:
    from techmayor.core.models import Industry

    names = list(Industry.objects.values_list("name", flat=True))
    if not names:  # a database holding only the resource pool: the standard's shipped file
        names = [r["name"] for r in read_industries(data.INDUSTRIES)]
    from techmayor.matching.analysis import domain_words_from_taxonomy

    return domain_words_from_taxonomy(names)


def _labelled_texts() -> dict[str, list[tuple[str, str]]]:
    """Extra labelled titles (the shipped CSL train split); the classifier also trains on the
    pool's own labels."""
    pairs = []
    with open_file(data.PAPER_TITLES, "r", encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and parts[0] and parts[1]:
                pairs.append((parts[0], parts[1]))
    return {"category": pairs}


def _keywords() -> Iterator[list[str]]:
    """Each achievement's keywords (one column: the dictionary is learned from them)."""
    yield from Achievement.objects.values_list("keywords", flat=True).iterator(chunk_size=5000)


def default_workers(n_records: int) -> int:
    """Processes that segment an index build: the CPUs this process may use, once the pool is large
    enough for starting them (each loads the dictionary) to pay off."""
    if n_records < PARALLEL_MIN:
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _need_texts() -> list[str]:
    """Need texts to learn enterprise boilerplate from — only from a large enough set: among a
    few dozen needs on related topics the topic words themselves (电池, 容量 …) pass the engine's
    thresholds and would be dropped from every query."""
    from techmayor.needs.models import Need

    if Need.objects.count() < BOILERPLATE_MIN_NEEDS:
        return []
    return [need_text(t, d) for t, d in Need.objects.values_list("title", "description")]


# ---------------------------------------------------------------- building and loading


def matching_index_build(
    *, directory: Path | None = None, workers: int | None = None, progress: Callable[[int], None] | None = None
) -> Matcher:
    """(Re)build the index from every achievement in the database (a full rebuild is also the
    compaction of incremental changes), segmenting in ``workers`` processes (default: one per
    CPU from :data:`PARALLEL_MIN` achievements on). Readers that loaded the old index pick the
    new one up through ``reloaded()``."""
    directory = directory or index_dir()
    workers = workers or default_workers(Achievement.objects.count())
    if not Achievement.objects.exists():
        raise ApplicationError(
            gettext("资源池中还没有科技成果：请先运行 techmayor import corpus FILE --kind paper|patent|offer")
        )
    with index_lock(directory):
        from techmayor.matching.ranker import Matcher

        matcher = Matcher.build(
            lambda: achievement_records(json_text=True),
            directory,
            keywords=_keywords,
            domain_words=_domain_words(),
            labelled_texts=_labelled_texts(),
            need_texts=_need_texts(),
            workers=workers,
            progress=progress,
        )
    with _lock:
        _loaded[str(directory)] = matcher
    return matcher


def shipped_corpus_records() -> list[dict]:
    """The papers and patents that ship with the platform (techmayor/data), as index records."""
    import json

    records = []
    for path, kind in ((data.PAPERS, "paper"), (data.PATENTS, "patent")):
        with open_file(path, "r", encoding="utf-8") as fh:
            records.extend({**json.loads(line), "kind": kind} for line in fh if line.strip())
    return records


def ranker_train(*, out: Path, workdir: Path) -> Path:
    """Train the learned second stage (decision 0029) from the shipped corpora and the shipped
    training needs, deterministically, and write it to ``out``; the index it needs is built in
    ``workdir``.  The database is not read: the model is the same on every machine."""
    from techmayor.matching.analysis import domain_words_from_taxonomy
    from techmayor.matching.learned import train_from_corpora
    from techmayor.matching.ranker import Matcher

    records = shipped_corpus_records()
    words = domain_words_from_taxonomy(r["name"] for r in read_industries(data.INDUSTRIES))

    def build(directory: Path) -> Matcher:
        return Matcher.build(records, directory, domain_words=words, labelled_texts=_labelled_texts())

    train_from_corpora(out, workdir, build=build)
    return out


def matcher_get(*, directory: Path | None = None, build: bool = False) -> Matcher | None:
    """The process's matcher, loaded once and refreshed per call; ``None`` when there is no
    index (``build=True``: build it now)."""
    directory = directory or index_dir()
    key = str(directory)
    with _lock:
        current = _loaded.get(key)
    if current is not None and index_exists(directory):
        fresh = current.reloaded()
        if fresh is not current:
            with _lock:
                _loaded[key] = fresh
        return fresh
    if not index_exists(directory):
        if not build:
            return None
        return matching_index_build(directory=directory)
    from techmayor.matching.ranker import Matcher

    loaded = Matcher.load(directory)
    with _lock:
        _loaded[key] = loaded
    return loaded


def matcher_forget() -> None:
    """Drop the loaded matchers (tests, after moving the index directory)."""
    with _lock:
        _loaded.clear()


def achievement_index_sync(external_ids: Iterable[str], *, directory: Path | None = None) -> str:
    """Bring the index in line with the database for these achievements (created, changed or
    deleted): upsert those that exist, remove the others. Without an index nothing happens
    (``match index`` builds it). When the pending changes would pass 10 % of the pool the index
    is rebuilt instead. Returns what was done: ``none`` / ``delta`` / ``rebuilt``."""
    ids = list(dict.fromkeys(str(e) for e in external_ids))
    if not ids or not index_exists(directory):
        return "none"
    with index_lock(directory):
        matcher = matcher_get(directory=directory)  # under the lock: sees every earlier write
        if matcher is None:
            return "none"
        index = matcher.index
        if index.pending_changes + len(ids) > max(COMPACT_MIN, COMPACT_SHARE * index.n_rows):
            matching_index_build(directory=directory or index_dir())
            return "rebuilt"
        records = records_by_external_id(ids)
        present = {r["external_id"] for r in records}
        if records:
            index.upsert(records)
        gone = [e for e in ids if e not in present]
        if gone:
            index.remove(gone)
    return "delta"


def achievement_index_room(directory: Path | None = None) -> int | None:
    """How many more changed achievements :func:`achievement_index_sync` takes into the index's
    delta before it rebuilds instead; ``None`` when there is no index (nothing to follow)."""
    if not index_exists(directory):
        return None
    matcher = matcher_get(directory=directory)
    if matcher is None:
        return None
    index = matcher.index
    return max(0, int(max(COMPACT_MIN, COMPACT_SHARE * index.n_rows)) - index.pending_changes)


def matching_index_compact(
    *, directory: Path | None = None, workers: int | None = None, progress: Callable[[int], None] | None = None
) -> Matcher:
    """Fold incremental changes into the main index: a rebuild from the database."""
    return matching_index_build(directory=directory, workers=workers, progress=progress)


def index_status(directory: Path | None = None) -> dict:
    """What the index page shows: whether an index exists, its size, pending incremental
    changes and when it was built."""
    directory = directory or index_dir()
    matcher = matcher_get(directory=directory)
    if matcher is None:
        return {"exists": False, "directory": directory, "achievements": Achievement.objects.count()}
    built = datetime.fromtimestamp((directory / "manifest.json").stat().st_mtime, tz=UTC)
    return {
        "exists": True,
        "directory": directory,
        "achievements": Achievement.objects.count(),
        "indexed": len(matcher.index),
        "pending": matcher.index.pending_changes,
        "built_at": built,
    }


INDEX_JOB = "matching_index"


def index_build_submit(*, by=None):
    """Queue a rebuild of the index (then a refresh of every need's assessment) as a background
    job; an unfinished one is returned instead of a second."""
    from techmayor.core.jobs import job_submit

    from .tasks import index_build_task

    if not Achievement.objects.exists():
        raise ApplicationError(gettext("资源池中还没有科技成果，无法建立索引"))
    return job_submit(kind=INDEX_JOB, label=gettext_noop("重建匹配索引"), task=index_build_task, by=by)


CORPUS_JOB = "corpus_import"
JOB_KINDS = (INDEX_JOB, CORPUS_JOB)  # the jobs shown on the index page


def corpus_import_submit(*, path: str | Path, kind: str, skip_bad: bool = False, by=None):
    """Queue ``techmayor import corpus`` of a file on the server as a background job: its card on
    the index page shows the checking and the writing pass with their progress."""
    from techmayor.core.jobs import job_submit
    from techmayor.resources.choices import AchievementKind

    from .tasks import corpus_import_task

    if kind not in AchievementKind.values:
        raise ApplicationError(
            gettext("成果类型应为 %(kinds)s，实际为「%(kind)s」")
            % {"kinds": " / ".join(AchievementKind.values), "kind": kind},
            field="kind",
        )
    path = Path(path).resolve()
    if not path.is_file():
        raise ApplicationError(gettext("找不到文件 %(path)s") % {"path": path}, field="file")
    return job_submit(
        kind=CORPUS_JOB,
        label=gettext_noop("导入科技成果"),
        task=corpus_import_task,
        by=by,
        path=str(path),
        achievement_kind=kind,
        skip_bad=skip_bad,
        user_id=getattr(by, "pk", None),
    )


# ---------------------------------------------------------------- need assessments


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def need_assessments_refresh(
    need_ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Assess these needs (all when None) against the index and store the result
    (:class:`NeedMatch`). Without ``force`` a need whose text has not changed since its last
    assessment is skipped. Without an index nothing happens. Returns how many were assessed."""
    from techmayor.needs.models import Need

    matcher = matcher_get()
    if matcher is None:
        return 0
    needs = Need.objects.all() if need_ids is None else Need.objects.filter(pk__in=list(need_ids))
    known = dict(NeedMatch.objects.filter(need__in=needs).values_list("need_id", "text_digest"))
    accepted = _needs_with_accepted_match(needs)
    assessed: list[tuple[int, str, Assessment]] = []
    for i, (pk, title, description) in enumerate(needs.order_by("pk").values_list("pk", "title", "description")):
        text = need_text(title, description)
        digest = text_digest(text)
        if progress:
            progress(i)
        if force or known.get(pk) != digest:
            assessed.append((pk, digest, matcher.assess(text)))
    # the index may name an expert deleted since it was built: keep only those that exist
    candidates = {int(a.expert_id) for _, _, a in assessed if a.expert_id.isdigit()}
    experts = set(Expert.objects.filter(pk__in=candidates).values_list("pk", flat=True)) if candidates else set()
    now = timezone.now()
    for pk, digest, a in assessed:
        expert = int(a.expert_id) if a.expert_id.isdigit() and int(a.expert_id) in experts else None
        NeedMatch.objects.update_or_create(
            need_id=pk,
            defaults={
                "level": MatchLevel.GOOD if pk in accepted else a.level,
                "evidence": a.evidence,
                "matched_terms": a.matched_terms[:12],
                "external_id": a.external_id,
                "title": a.title[:500],
                "expert_id": expert,
                "has_accepted": pk in accepted,
                "text_digest": digest,
                "assessed_at": now,
            },
        )
    return len(assessed)


# ---------------------------------------------------------------- feedback


@transaction.atomic
def match_feedback_record(
    *,
    need,
    user,
    target: str,
    target_id: str,
    accepted: bool | None,
    reason: str = "",
    reason_text: str = "",
) -> MatchFeedback:
    """Record that ``user`` accepted or declined (with a coded reason) a match shown for ``need``,
    or (``accepted=None``) undid the current judgement of it.

    ``target``: achievement (``target_id`` = external id) / expert (primary key) / university
    (学校标识码). The caller checks that the user may see the need; a completed or cancelled need's
    matches are read-only. Audited like every change.
    """
    from techmayor.needs.choices import NeedState

    reason = (reason or "").strip()
    reason_text = (reason_text or "").strip()
    if need.state in (NeedState.COMPLETED, NeedState.CANCELLED):
        raise ApplicationError(
            gettext("需求%(state)s，匹配推荐只读") % {"state": need.get_state_display()}, field="target"
        )
    if target not in MatchTarget.values:
        raise ApplicationError(
            gettext("匹配对象应为 %(targets)s") % {"targets": " / ".join(MatchTarget.values)}, field="target"
        )
    if accepted is None:
        reason, reason_text = "", ""
    elif accepted:
        reason = ""
    elif reason not in DeclineReason.values:
        raise ApplicationError(
            gettext("婉拒须选择原因：%(reasons)s")
            % {"reasons": gettext("、").join(str(label) for label in DeclineReason.labels)},
            field="reason",
        )
    if not accepted and reason == DeclineReason.OTHER and not reason_text:
        raise ApplicationError(gettext("原因为「其他」时请填写说明"), field="reason_text")
    fields: dict = {}
    target_id = str(target_id or "").strip()
    if target == MatchTarget.ACHIEVEMENT:
        if not Achievement.objects.filter(external_id=target_id).exists():
            raise ApplicationError(gettext("找不到成果 %(target_id)s") % {"target_id": target_id}, field="target_id")
        fields["external_id"] = target_id
    elif target == MatchTarget.EXPERT:
        expert = Expert.objects.filter(pk=target_id).first() if target_id.isdigit() else None
        if expert is None:
            raise ApplicationError(gettext("找不到专家 %(target_id)s") % {"target_id": target_id}, field="target_id")
        fields["expert"] = expert
    else:
        university = University.objects.filter(code=target_id).first()
        if university is None:
            raise ApplicationError(gettext("找不到高校 %(target_id)s") % {"target_id": target_id}, field="target_id")
        fields["university"] = university
    if accepted is None:
        latest = MatchFeedback.objects.filter(need=need, target=target, **fields).order_by("-at", "-id").first()
        if latest is None or latest.accepted is None:
            raise ApplicationError(gettext("该匹配还没有采纳或婉拒，无需撤销"), field="target_id")
    feedback = create_record(
        MatchFeedback,
        by=user,
        need=need,
        target=target,
        accepted=accepted,
        reason=reason,
        reason_text=reason_text,
        user=user if getattr(user, "pk", None) else None,
        **fields,
    )
    _need_accepted_sync(need)
    return feedback


def _needs_with_accepted_match(needs) -> set[int]:
    """The needs (of a queryset) whose latest judgement on some target is an acceptance: they
    count as well matched."""
    latest: dict[tuple, bool] = {}
    rows = MatchFeedback.objects.filter(need__in=needs).order_by("at", "id")
    for need_id, target, ext, expert, university, ok in rows.values_list(
        "need_id", "target", "external_id", "expert_id", "university_id", "accepted"
    ):
        latest[(need_id, target, ext, expert, university)] = ok
    return {key[0] for key, ok in latest.items() if ok}


def _need_accepted_sync(need) -> None:
    """Keep the need's summary in line with its judgements (see :func:`_needs_with_accepted_match`)."""
    from techmayor.needs.models import Need

    has = need.pk in _needs_with_accepted_match(Need.objects.filter(pk=need.pk))
    summary = NeedMatch.objects.filter(need=need).first()
    if summary is None:
        if has:
            NeedMatch.objects.create(need=need, level=MatchLevel.GOOD, has_accepted=True, assessed_at=timezone.now())
        return
    if summary.has_accepted != has:
        summary.has_accepted = has
        if has:
            summary.level = MatchLevel.GOOD
        else:
            summary.text_digest = ""  # the level came from the acceptance: assess again
        summary.save(update_fields=["has_accepted", "level", "text_digest"])
        if not has:
            transaction.on_commit(lambda: _assess_later([need.pk]))


def _assess_later(need_ids: list[int]) -> None:
    from .tasks import need_assess_task

    need_assess_task(need_ids)
