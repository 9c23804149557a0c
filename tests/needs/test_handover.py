"""Handover from the 14th batch to the 15th: the preview, the rule that no open need is left without an
owner, the transaction (new batch, groups, continuing members, new owners, links anew; old batch
closed), and the old batch's scorecard unchanged."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog, RegionLevel
from techmayor.enterprises.models import EnterpriseLink
from techmayor.enterprises.services import enterprise_link
from techmayor.needs.choices import CollaboratorStatus, NeedState
from techmayor.needs.handover import batch_handover, handover_plan
from techmayor.needs.models import Need
from techmayor.needs.services import intake_channel_open, need_claim, need_collaborator_set, need_create
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Batch, Tenure
from techmayor.roster.services import group_create
from techmayor.scorecard.services import scorecard
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, district, member_in

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)


def claimed_need(group, owner, title):
    need = need_create(
        batch=group.batch,
        group=group,
        enterprise=EnterpriseFactory(),
        title=title,
        description=f"{title}的描述",
        date=DAY,
        members=[owner],
        state=NeedState.PUBLISHED,
    )
    return need_claim(need=need, member=owner)


@pytest.fixture
def w():
    liyang = GroupFactory()
    batch = liyang.batch
    jintan = group_create(batch=batch, name="金坛团", district=district("金坛区"))
    captain = member_in(liyang, member__name="连任团长", role=TenureRole.LEADER)
    leaving = member_in(liyang, member__name="离任甲")
    jt_leaving = member_in(jintan, member__name="离任乙")
    n_owned = claimed_need(liyang, leaving, "离任甲负责的需求")
    n_shared = claimed_need(liyang, captain, "团长负责、离任甲协同的需求")
    need_collaborator_set(need=n_shared, member=leaving, status=CollaboratorStatus.ACTIVE)
    n_jintan = claimed_need(jintan, jt_leaving, "金坛的需求")
    link = enterprise_link(batch=batch, group=liyang, enterprise=EnterpriseFactory(), date=DAY, members=[leaving])
    town = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    channel = intake_channel_open(region=town)
    return locals()


def test_the_preview_lists_every_item_with_a_proposed_owner(w):
    plan = handover_plan(batch=w["batch"], continuing=[w["captain"].pk])
    items = {item.key: item for item in plan.items}
    assert set(items) == {
        f"need:{w['n_owned'].pk}",
        f"collaboration:{w['n_shared'].pk}",
        f"need:{w['n_jintan'].pk}",
        f"link:{w['link'].pk}",
        f"intake:{w['channel'].pk}",
    }
    assert items[f"need:{w['n_owned'].pk}"].proposed == w["captain"]  # same group, continuing
    assert items[f"need:{w['n_jintan'].pk}"].proposed is None  # nobody of 金坛团 continues
    assert items[f"link:{w['link'].pk}"].leaving == [w["leaving"]]
    assert items[f"intake:{w['channel'].pk}"].group == w["liyang"]
    assert [t.member for t in plan.leaving] == [w["leaving"], w["jt_leaving"]]
    assert any("金坛的需求" in p and "没有新负责人" in p for p in plan.problems)


def test_nothing_happens_while_an_open_need_has_no_owner(w):
    plan = handover_plan(batch=w["batch"], continuing=[w["captain"].pk])
    with pytest.raises(ApplicationError, match="金坛的需求"):
        batch_handover(plan=plan)
    w["batch"].refresh_from_db()
    assert w["batch"].is_active and not w["batch"].is_closed
    assert not Batch.objects.filter(number=15).exists()
    assert Need.objects.get(pk=w["n_owned"].pk).owner == w["leaving"]


def test_the_handover_opens_the_next_batch_and_leaves_the_old_scorecard_unchanged(w):
    old = w["batch"]
    before = scorecard(batch=old)
    plan = handover_plan(batch=old, continuing=[w["captain"].pk], assign={f"need:{w['n_jintan'].pk}": w["captain"].pk})
    new = batch_handover(plan=plan)
    old.refresh_from_db()
    assert old.is_closed and not old.is_active
    assert new.number == 15 and new.is_active and new.city == old.city
    assert sorted(new.groups.values_list("name", flat=True)) == ["溧阳团", "金坛团"]
    tenure = Tenure.objects.get(batch=new)
    assert (tenure.member, tenure.group.name, tenure.role) == (w["captain"], "溧阳团", TenureRole.LEADER)
    # Needs keep their batch and get their new owner; the leaving collaborator has left.
    for key in ("n_owned", "n_jintan"):
        need = Need.objects.get(pk=w[key].pk)
        assert need.owner == w["captain"] and need.batch == old
    link = w["n_shared"].collaborator_links.get(member=w["leaving"])
    assert link.status == CollaboratorStatus.LEFT
    # The link is made anew in the new batch; the old one stays in the old.
    renewed = EnterpriseLink.objects.get(batch=new, enterprise=w["link"].enterprise)
    assert list(renewed.members.all()) == [w["captain"]]
    assert EnterpriseLink.objects.filter(pk=w["link"].pk, batch=old).exists()
    # The old batch's figures are exactly as before.
    assert scorecard(batch=old) == before
    # Audited, each step.
    assert AuditLog.objects.filter(model="roster.batch", object_id=str(old.pk), note__contains="批次交接").exists()
    assert AuditLog.objects.filter(
        model="needs.need", object_id=str(w["n_owned"].pk), note__contains="批次交接"
    ).exists()
    with pytest.raises(ApplicationError, match="已结束"):
        handover_plan(batch=old)


def test_the_command_previews_with_dry_run_and_then_hands_over(w):
    out = StringIO()
    args = ["batch", "handover", "--city", "常州市", "--from", "14", "--to", "15", "--continue", "连任团长"]
    call_command(*args, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "离任甲负责的需求" in text and "离任甲 → 连任团长" in text
    assert "无（须用 --assign 指定）" in text and "尚不能交接" in text and "未做任何修改" in text
    assert "未办结需求 3 条转入第15批继续办理" in text
    assert not Batch.objects.filter(number=15).exists()
    with pytest.raises(CommandError, match="没有新负责人"):
        call_command(*args, stdout=StringIO())
    out = StringIO()
    call_command(*args, "--assign", f"need:{w['n_jintan'].pk}=连任团长", stdout=out)
    assert "交接完成" in out.getvalue()
    assert Batch.objects.get(number=15).is_active


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "16"], "--to 须为 15"),
        (["--to", "15", "--continue", "路人"], "「路人」不是该批次的团员"),
        (["--to", "15", "--assign", "need:999999=连任团长"], "交接清单中没有「need:999999」"),
        (["--to", "15", "--assign", "乱写"], "改派应写成"),
        (["--to", "15", "--start", "2021-07-01"], "开始日期须晚于当前批次开始"),
    ],
)
def test_bad_arguments_are_clear_errors(w, extra, message):
    with pytest.raises(CommandError, match=message):
        call_command("batch", "handover", "--from", "14", *extra, "--dry-run", stdout=StringIO())


def test_the_handover_page_is_for_the_citys_administrators(client, w):
    from techmayor.accounts.choices import Role
    from tests.factories import city
    from tests.web.conftest import account

    page = f"/roster/batches/{w['batch'].pk}/handover/"
    admin = account("ho_admin", (Role.CITY_ADMIN, {"region": city()}))
    province = account("ho_province", (Role.PROVINCE_ADMIN, {"region": city().parent}))
    leader = account("ho_leader", (Role.LEADER, {"region": city()}))
    captain = account("ho_captain", (Role.MEMBER, {}), member=w["captain"])
    nobody = account("ho_nobody")
    for user, status in ((admin, 200), (province, 200), (leader, 403), (captain, 403), (nobody, 404)):
        client.force_login(user)
        assert client.get(page).status_code == status, user
    client.force_login(admin)
    assert page in client.get("/roster/groups/").content.decode()
    html = client.get(page + f"?continuing={w['captain'].pk}").content.decode()
    assert "离任甲负责的需求" in html and "没有新负责人" in html and "天目湖镇" in html
    assert "未办结需求 3 条转入第 15 批继续办理" in html
    # Bad input is a message, not an error page; nothing changes without the check box.
    assert "格式应为" in client.get(page + "?start=2021-13-01").content.decode()
    data = {"continuing": [w["captain"].pk], f"assign-need:{w['n_jintan'].pk}": w["captain"].pk, "action": "confirm"}
    response = client.post(page, data)
    assert response.status_code == 400 and "已核对交接清单" in response.content.decode()
    assert not Batch.objects.filter(number=15).exists()
    response = client.post(page, {**data, "checked": "yes"})
    assert response.status_code == 302
    new = Batch.objects.get(number=15)
    assert new.is_active and Need.objects.get(pk=w["n_jintan"].pk).owner == w["captain"]
    assert AuditLog.objects.filter(model="roster.batch", object_id=str(new.pk), actor=admin).exists()
    # The closed batch offers no handover any more.
    assert client.get(page).status_code == 403


def test_open_needs_go_on_in_the_new_batch_and_stay_credited_to_the_old(client, w):
    """Every need still open is carried into the new batch: its new owner reports progress, a member of
    the new batch claims a published one, whoever left does neither; the old batch's figures are
    unchanged, and a completed need stays behind."""
    from techmayor.accounts.choices import Role
    from techmayor.needs import permissions as perms
    from techmayor.needs.services import need_progress_add, need_transition
    from tests.web.conftest import account

    old = w["batch"]
    published = need_create(
        batch=old,
        group=w["liyang"],
        enterprise=EnterpriseFactory(),
        title="待认领的需求",
        description="描述",
        date=DAY,
        members=[w["leaving"]],
        state=NeedState.PUBLISHED,
    )
    done = claimed_need(w["liyang"], w["captain"], "已办结的需求")
    for action in ("submit_completion", "approve_completion"):
        done = need_transition(need=done, action=action)
    before = scorecard(batch=old)
    plan = handover_plan(batch=old, continuing=[w["captain"].pk], assign={f"need:{w['n_jintan'].pk}": w["captain"].pk})
    assert plan.carried == 4
    new = batch_handover(plan=plan)
    carried = set(Need.objects.filter(carried_into=new).values_list("pk", flat=True))
    assert carried == {w[k].pk for k in ("n_owned", "n_shared", "n_jintan")} | {published.pk}
    assert Need.objects.get(pk=done.pk).carried_into is None and scorecard(batch=old) == before

    captain = account("carry_captain", (Role.MEMBER, {}), member=w["captain"])
    leaver = account("carry_leaver", (Role.MEMBER, {}), member=w["leaving"])
    newcomer_member = member_in(new.groups.get(name="溧阳团"), member__name="新团员")
    newcomer = account("carry_new", (Role.MEMBER, {}), member=newcomer_member)
    owned = Need.objects.get(pk=w["n_owned"].pk)
    assert perms.need_can(captain, perms.PROGRESS, owned) and not perms.need_read_only(captain, owned)
    need_progress_add(need=owned, member=w["captain"], date=dt.date(2022, 9, 1), current_status="继续对接")
    client.force_login(captain)
    html = client.get(f"/needs/{owned.pk}/").content.decode()
    assert 'id="carried-need"' in html and "继续办理" in html and 'id="closed-batch"' not in html
    listed = client.get("/needs/").content.decode()
    assert listed.count("data-carried") == len(carried) == 4  # the captain reads every need carried on
    only = client.get("/needs/?carried=1")
    assert {n.pk for n in only.context["page"].object_list} == carried
    others = client.get("/needs/?carried=0").context["page"].object_list
    assert others and not {n.pk for n in others} & carried
    published = Need.objects.get(pk=published.pk)
    assert not perms.need_can(leaver, "claim", published)  # left at the handover
    with pytest.raises(ApplicationError, match="不是"):
        need_claim(need=published, member=w["leaving"])
    assert perms.need_can(newcomer, "claim", published)
    assert need_claim(need=published, member=newcomer_member).owner == newcomer_member
    assert Need.objects.get(pk=published.pk).batch == old  # credited where it was collected
    # The completed need stays in the closed batch: read-only but for the administrators.
    assert perms.need_read_only(captain, Need.objects.get(pk=done.pk))


def test_the_next_handover_carries_them_on_again(w):
    """A need carried into the 15th batch and still open when the 15th hands over goes on into the 16th,
    with a proposal from the 15th batch's copy of its group."""
    old = w["batch"]
    plan = handover_plan(batch=old, continuing=[w["captain"].pk], assign={f"need:{w['n_jintan'].pk}": w["captain"].pk})
    fifteenth = batch_handover(plan=plan)
    fifteenth.start_date = dt.date(2021, 10, 1)  # the handover dated the 15th on today; let it start earlier
    fifteenth.save(update_fields=["start_date"])
    stays = member_in(fifteenth.groups.get(name="溧阳团"), member__name="第十五批团员")
    plan = handover_plan(batch=fifteenth, continuing=[stays.pk], start=dt.date(2022, 1, 1))
    owned = next(i for i in plan.items if i.key == f"need:{w['n_owned'].pk}")  # the captain leaves now
    assert owned.group == fifteenth.groups.get(name="溧阳团") and owned.proposed == stays
    assert plan.carried == 3
