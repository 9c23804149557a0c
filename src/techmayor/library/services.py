"""Writes of the expert library beyond one record: merging duplicate experts, and saving a 成果推介
plan as the ledger's event.

Merging duplicate experts: everything that pointed at the duplicate points at the one kept.

The duplicate is not deleted: it stays as a record marked ``merged_into`` (its old links and
pages lead to the kept expert; ids survive merges). Its results move to the kept expert (the
matching index follows through the many-to-many signals), and so do the matching feedback, the
needs' standing assessments and the cooperation records (intents, agreements) that named it.
Blank fields of the kept expert are filled from the duplicate. One audit record for each expert,
the duplicate's saying where it went and what moved.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core import audit
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditAction
from techmayor.core.services import update_record
from techmayor.resources.models import Expert

PLAN_MAX_RESULTS = 20  # the most results one 成果推介 plan (and event) promotes


@transaction.atomic
def expert_merge(*, keep: Expert, duplicate: Expert, by=None) -> Expert:
    """Merge ``duplicate`` into ``keep``; returns ``keep``."""
    from techmayor.cooperation.models import Agreement, Intent
    from techmayor.matchmaking.models import MatchFeedback, NeedMatch

    if keep.pk == duplicate.pk:
        raise ApplicationError(gettext("不能把专家合并到其本人"), field="duplicate")
    keep, duplicate = (
        Expert.objects.select_for_update(of=("self",)).select_related("university").get(pk=pk)
        for pk in (keep.pk, duplicate.pk)
    )
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ApplicationError(gettext("已合并过的专家不能再合并"), field="duplicate")
    results = list(duplicate.achievements.values_list("pk", flat=True))
    if results:
        keep.achievements.add(*results)
        duplicate.achievements.remove(*results)
    moved = {
        "feedback": MatchFeedback.objects.filter(expert=duplicate).update(expert=keep),
        "assessments": NeedMatch.objects.filter(expert=duplicate).update(expert=keep),
        "intents": Intent.all_objects.filter(expert=duplicate).update(expert=keep),
        "agreements": Agreement.all_objects.filter(expert=duplicate).update(expert=keep),
    }
    filled = {
        name: getattr(duplicate, name)
        for name in ("title", "organization", "bio", "email")
        if not getattr(keep, name) and getattr(duplicate, name)
    }
    if keep.university_id is None and duplicate.university_id:
        filled["university"] = duplicate.university
    disciplines = list(dict.fromkeys([*keep.disciplines, *duplicate.disciplines]))
    if disciplines != keep.disciplines:
        filled["disciplines"] = disciplines
    note = gettext("合并重复专家：%(duplicate)s（编号%(pk)s）并入，成果%(results)s项") % {
        "duplicate": duplicate.name,
        "pk": duplicate.pk,
        "results": len(results),
    }
    if filled:
        keep = update_record(keep, by=by, audit_note=note, **filled)
    else:  # nothing of its own changes: the merge is still on its record
        now = audit.snapshot(keep)
        audit.record(action=AuditAction.UPDATE, instance=keep, actor=by, before=now, after=now, note=note)
    detail = gettext(
        "合并到 %(keep)s（编号%(pk)s）：成果%(results)s项、匹配反馈%(feedback)s条、需求匹配概况%(assessments)s条、"
        "合作意向%(intents)s项、合作协议%(agreements)s项随之转移"
    ) % {"keep": keep.name, "pk": keep.pk, "results": len(results), **moved}
    update_record(duplicate, by=by, audit_note=detail, merged_into=keep)
    return keep


@transaction.atomic
def promotion_event_create(
    *,
    batch,
    group,
    date,
    title: str,
    achievements,
    enterprises=(),
    members=(),
    location: str = "",
    note: str = "",
    by=None,
):
    """Save a 成果推介 plan as what it is in the ledger: an event of the kind 对接活动 (technology
    docking) crediting the batch, group, date and members like any other, with the results promoted
    and the enterprises invited as its participating enterprises. Credit rules, scope of the group
    and the audit record are the ledger's (``ledger.services.event_create``)."""
    from techmayor.ledger.choices import EventKind
    from techmayor.ledger.services import event_create

    achievements = list(dict.fromkeys(achievements))
    if not achievements:
        raise ApplicationError(gettext("推介成果: 请至少选择一项要推介的成果"), field="achievements")
    if len(achievements) > PLAN_MAX_RESULTS:
        raise ApplicationError(
            gettext("推介成果: 一次活动最多推介 %(n)s 项成果") % {"n": PLAN_MAX_RESULTS}, field="achievements"
        )
    return event_create(
        batch=batch,
        group=group,
        kind=EventKind.DOCKING,
        title=title,
        date=date,
        members=members,
        enterprises=list(dict.fromkeys(enterprises)),
        achievements=achievements,
        location=location,
        note=note,
        by=by,
    )
