"""Handover from one batch of a city to the next (issue 11, docs/decisions/0021-handover.md).

:func:`handover_plan` builds the preview: the next batch's groups (copied from the current one), who
continues and who leaves, and every open need owned or co-owned by a leaving member, every enterprise
link (挂钩服务) they hold and every active intake page of the city, each with a proposed new owner and
the reason for it, that the administrator confirms or changes (``assign``). For a need the proposal is
the continuing member of the same group the matching ranks first for it (the member recommendation of
the need page, ``matchmaking.selectors.OwnerRecommender``); when it names nobody (no index, or no
continuing member with a reason) and for an enterprise link, the one who owns the fewest open needs.
:func:`batch_handover` carries the plan out in one transaction, audited: nothing happens while an open
need has no owner; then the old batch closes and the new one becomes active. Records stay in the batch
where their work happened, so the old batch's scorecard does not change: a need keeps its batch and
gets a new owner (a continuing member serves in both batches), and an enterprise link is linked anew
in the new batch, the old link staying in the old. Every need still open is carried into the new batch
(``Need.carried_into``): it is worked on there under the new batch's rules while it stays credited to
the batch where it was collected.

It lives in ``needs`` because it moves needs, links and intake pages, which sit above ``roster``; it
reads the matching layer (``matchmaking``) for its proposals, as the need pages do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from techmayor.core import clock
from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record
from techmayor.enterprises.models import EnterpriseLink
from techmayor.enterprises.services import enterprise_link
from techmayor.matchmaking.selectors import OwnerRecommender
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Batch, Group, Member, Tenure
from techmayor.roster.services import batch_activate, batch_close, batch_create, group_create, tenure_create

from .choices import CollaboratorStatus
from .models import IntakeChannel, Need, NeedCollaborator
from .state_machine import OPEN_STATES

NEED, COLLABORATION, LINK, INTAKE = "need", "collaboration", "link", "intake"
KIND_LABELS = {NEED: "负责的需求", COLLABORATION: "协同的需求", LINK: "挂钩服务企业", INTAKE: "需求征集入口"}


@dataclass
class HandoverItem:
    kind: str
    obj: Any
    group: Group | None  # the old batch's group it belongs to (None: the whole city)
    leaving: list[Member]
    proposed: Member | None = None
    reason: str = ""  # why ``proposed`` (the matching's reasons, or the fallback rule)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}"

    @property
    def title(self) -> str:
        if self.kind in (NEED, COLLABORATION):
            return f"{self.obj.title}（{self.obj.enterprise}，{self.obj.get_state_display()}）"
        if self.kind == LINK:
            return str(self.obj.enterprise)
        return str(self.obj.region.full_name)


@dataclass
class HandoverPlan:
    batch: Batch
    number: int
    start: dt.date
    end: dt.date
    continuing: list[Tenure]
    leaving: list[Tenure]
    items: list[HandoverItem] = field(default_factory=list)
    carried: int = 0  # open needs the new batch carries on (``Need.carried_into``)

    @property
    def problems(self) -> list[str]:
        """Why the handover cannot go ahead (empty: it can)."""
        out = []
        if self.start > clock.today():
            out.append(gettext("新批次开始日期 %(start)s 晚于今天：交接在新批次到任后进行") % {"start": self.start})
        for item in self.items:
            if item.kind == NEED and item.proposed is None:
                out.append(
                    gettext("需求「%(title)s」（编号 %(pk)s）没有新负责人：请指定一位连任团员")
                    % {"title": item.obj.title, "pk": item.obj.pk}
                )
        return out


def _tenures(batch: Batch) -> list[Tenure]:
    return list(
        Tenure.objects.filter(batch=batch)
        .select_related("member", "group__district", "dispatch_unit", "local_region")
        .order_by("group_id", "id")
    )


def _fewest(same: list[Tenure], load: Counter) -> Tenure:
    """Whoever owns the fewest open needs; the 团长 first on a tie, then the 副团长."""
    rank = {TenureRole.LEADER: 0, TenureRole.DEPUTY: 1}
    return min(same, key=lambda t: (load[t.member_id], rank.get(t.role, 2), t.pk))


def _proposal(item: HandoverItem, continuing: list[Tenure], load: Counter, recommender: OwnerRecommender) -> None:
    """Propose a continuing member of the item's group (``item.proposed``, ``item.reason``)."""
    group_id = item.group.pk if item.group else None
    same = [t for t in continuing if t.group_id == group_id]
    if item.kind == COLLABORATION:  # someone who is not on the need already
        taken = {item.obj.owner_id} | {
            c.member_id for c in item.obj.collaborator_links.all() if c.status != CollaboratorStatus.LEFT
        }
        same = [t for t in same if t.member_id not in taken] or same
    if not same:
        return
    chosen, reason = None, ""
    if item.kind == LINK:
        reason = gettext("挂钩企业按未办结需求最少提议")
    elif not recommender.available:
        reason = gettext("匹配索引尚未建立，按未办结需求最少提议")
    else:
        hits = recommender.rank(item.obj, [t.member_id for t in same], load)
        if hits:
            chosen = next(t for t in same if t.member_id == int(hits[0].id))
            reasons = hits[0].reasons
            short = reasons[:1] + reasons[-1:] if len(reasons) > 1 else reasons
            reason = gettext("匹配推荐：") + gettext("；").join(short)
        else:
            reason = gettext("匹配推荐未给出人选，按未办结需求最少提议")
    if chosen is None:
        chosen = _fewest(same, load)
        reason += gettext("（当前 %(n)s 项）") % {"n": load[chosen.member_id]}
    load[chosen.member_id] += 1  # spread the work: the next item counts this one
    item.proposed, item.reason = chosen.member, reason


def handover_plan(
    *,
    batch: Batch,
    continuing: list[int] | None = None,
    assign: dict[str, int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> HandoverPlan:
    """The preview of handing ``batch`` over to the next one. ``continuing``: the ids of the members who
    serve on; ``assign``: ``{"need:12": member id, …}`` overriding the proposed owners."""
    from techmayor.scorecard.comparisons import add_months

    if batch.is_closed:
        raise ApplicationError(gettext("%(batch)s已结束，不能再交接") % {"batch": batch}, field="batch")
    number = batch.number + 1
    if Batch.objects.filter(city=batch.city_id, number=number).exists():
        raise ApplicationError(
            gettext("%(city)s第%(number)s批已存在") % {"city": batch.city, "number": number}, field="number"
        )
    start = start or clock.today()
    end = end or add_months(start, 12) - dt.timedelta(days=1)
    if start <= batch.start_date or end <= start:
        raise ApplicationError(gettext("新批次的开始日期须晚于当前批次开始，结束日期须晚于开始"), field="start")
    tenures = _tenures(batch)
    ids = set(continuing or [])
    unknown = ids - {t.member_id for t in tenures}
    if unknown:
        names = "、".join(map(str, sorted(unknown)))
        raise ApplicationError(
            gettext("编号为 %(ids)s 的团员不在%(batch)s") % {"ids": names, "batch": batch}, field="continuing"
        )
    plan = HandoverPlan(
        batch=batch,
        number=number,
        start=start,
        end=end,
        continuing=[t for t in tenures if t.member_id in ids],
        leaving=[t for t in tenures if t.member_id not in ids],
    )
    plan.items = _items(plan)
    plan.carried = _open_needs(batch).count()
    assign_owners(plan, assign or {})
    return plan


def _open_needs(batch: Batch):
    """The needs still open in ``batch``: collected in it, or carried into it by the last handover."""
    return Need.objects.filter(Q(batch=batch) | Q(carried_into=batch), state__in=OPEN_STATES)


def _items(plan: HandoverPlan) -> list[HandoverItem]:
    leaving = {t.member_id: t.member for t in plan.leaving}
    load = Counter(
        dict(
            Need.objects.filter(owner_id__in=[t.member_id for t in plan.continuing], state__in=OPEN_STATES)
            .values_list("owner_id")
            .annotate(n=_count())
            .values_list("owner_id", "n")
        )
    )
    items: list[HandoverItem] = []
    needs = (
        _open_needs(plan.batch)
        .filter(
            Q(owner_id__in=leaving)
            | Q(collaborator_links__member_id__in=leaving, collaborator_links__status=CollaboratorStatus.ACTIVE)
        )
        .select_related("group", "enterprise", "owner")
        .prefetch_related("collaborator_links")
        .distinct()
        .order_by("group_id", "id")
    )
    # A need carried into this batch belongs to an earlier batch's group: its copy here (same name and
    # district, as the handover copies groups) is the one whose members take it on.
    here = {(g.name, g.district_id): g for g in Group.objects.filter(batch=plan.batch)}

    def group_of(need: Need) -> Group | None:
        return need.group if need.batch_id == plan.batch.pk else here.get((need.group.name, need.group.district_id))

    for need in needs:
        if need.owner_id in leaving:
            items.append(HandoverItem(NEED, need, group_of(need), [leaving[need.owner_id]]))
        gone = [
            leaving[c.member_id]
            for c in need.collaborator_links.all()
            if c.member_id in leaving and c.status == CollaboratorStatus.ACTIVE
        ]
        if gone:
            items.append(HandoverItem(COLLABORATION, need, group_of(need), gone))
    links = (
        EnterpriseLink.objects.filter(batch=plan.batch, members__in=list(leaving))
        .select_related("group", "enterprise")
        .prefetch_related("members")
        .distinct()
        .order_by("group_id", "id")
    )
    for link in links:
        items.append(HandoverItem(LINK, link, link.group, [m for m in link.members.all() if m.pk in leaving]))
    recommender = OwnerRecommender(plan.continuing)
    for item in items:
        _proposal(item, plan.continuing, load, recommender)
    groups = {g.district_id: g for g in Group.objects.filter(batch=plan.batch).select_related("district")}
    channels = IntakeChannel.objects.filter(is_active=True).select_related("region__parent__parent")
    for channel in channels:
        district = channel.region.parent
        if district is not None and district.parent_id == plan.batch.city_id:
            items.append(HandoverItem(INTAKE, channel, groups.get(district.pk), []))
    return items


def _count():
    from django.db.models import Count

    return Count("id")


def assign_owners(plan: HandoverPlan, assign: dict[str, int]) -> None:
    """The administrator's choices over the proposals: ``{"need:12": member id, …}``."""
    by_key = {item.key: item for item in plan.items}
    continuing = {t.member_id: t.member for t in plan.continuing}
    for key, member_id in assign.items():
        item = by_key.get(key)
        if item is None or item.kind == INTAKE:
            raise ApplicationError(gettext("交接清单中没有「%(key)s」") % {"key": key}, field="assign")
        if member_id not in continuing:
            raise ApplicationError(
                gettext("「%(key)s」的新负责人须为连任团员（编号 %(id)s 不是）") % {"key": key, "id": member_id},
                field="assign",
            )
        if item.proposed is None or item.proposed.pk != member_id:
            item.proposed, item.reason = continuing[member_id], gettext("管理员指定")


@transaction.atomic
def batch_handover(*, plan: HandoverPlan, by=None) -> Batch:
    """Carry ``plan`` out: the next batch with its groups and continuing members, the new owners, the
    links anew in the new batch; then the old batch closes and the new one becomes active."""
    problems = plan.problems
    if problems:
        raise ApplicationError(gettext("不能交接：") + "；".join(problems), field="items")
    old = plan.batch
    new = batch_create(city=old.city, number=plan.number, start_date=plan.start, end_date=plan.end, by=by)
    groups = {g.pk: group_create(batch=new, name=g.name, district=g.district, by=by) for g in old.groups.all()}
    for t in plan.continuing:
        tenure_create(
            member=t.member,
            batch=new,
            group=groups[t.group_id],
            dispatch_unit=t.dispatch_unit,
            role=t.role,
            home_post=t.home_post,
            local_post=t.local_post,
            local_region=t.local_region,
            start_date=plan.start,
            by=by,
        )
    note = gettext("批次交接：%(old)s → %(new)s") % {"old": old, "new": new}
    for item in plan.items:
        _carry(item, new=new, groups=groups, start=plan.start, by=by, note=note)
    # Every need still open goes on in the new batch, credited where it was collected.
    for need in _open_needs(old):
        update_record(need, by=by, carried_into=new, audit_note=note)
    batch_close(batch=old, by=by, note=note)
    return batch_activate(batch=new, by=by)


def _carry(item: HandoverItem, *, new: Batch, groups: dict, start: dt.date, by, note: str) -> None:
    if item.kind == NEED:
        update_record(item.obj, by=by, owner=item.proposed, audit_note=note)
    elif item.kind == COLLABORATION:
        need = Need.objects.get(pk=item.obj.pk)
        for link in need.collaborator_links.filter(member__in=item.leaving, status=CollaboratorStatus.ACTIVE):
            update_record(link, by=by, status=CollaboratorStatus.LEFT, audit_note=note)
        proposed = item.proposed
        if proposed is not None and proposed.pk != need.owner_id:
            link = NeedCollaborator.objects.filter(need=need, member=proposed).first()
            if link is None:
                create_record(NeedCollaborator, by=by, need=need, member=proposed, status=CollaboratorStatus.ACTIVE)
            elif link.status != CollaboratorStatus.ACTIVE:
                update_record(link, by=by, status=CollaboratorStatus.ACTIVE, audit_note=note)
    elif item.kind == LINK:
        old = item.obj
        members = [item.proposed] if item.proposed is not None else []
        # Members of the link who are not leaving serve on in the new batch and keep holding it.
        members += [m for m in old.members.all() if m not in item.leaving and m not in members]
        enterprise_link(
            batch=new,
            group=groups[old.group_id],
            enterprise=old.enterprise,
            date=start,
            members=members,
            note=old.note,
            by=by,
        )
