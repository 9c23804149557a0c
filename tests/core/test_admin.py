import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from techmayor.accounts.models import User
from techmayor.cooperation.models import Agreement, AgreementReceipt, Intent
from techmayor.core.industries import load_industries
from techmayor.core.models import AuditLog, Industry
from techmayor.core.regions import load_regions, region_by_name
from techmayor.enterprises.models import Contact, Enterprise, EnterpriseLink, EnterpriseTag
from techmayor.ledger import models as ledger
from techmayor.needs.models import (
    Lead,
    Need,
    NeedCollaborator,
    NeedPolicy,
    NeedTransition,
    OutcomeRound,
    ProgressEntry,
)
from techmayor.policies.models import Policy
from techmayor.resources.models import Achievement, Expert, Platform
from tests.factories import EnterpriseFactory, GroupFactory, TenureFactory, UniversityFactory, credit_code

D = dt.date(2021, 10, 8)


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "root@example.com", "pw-For-Tests-1")
    client.force_login(user)
    return user


@pytest.fixture
def world(db):
    """One row of every model, so change lists render their columns and change pages open."""
    load_regions()
    load_industries()
    group = GroupFactory()
    batch = group.batch
    tenure = TenureFactory(group=group, batch=batch)
    member = tenure.member
    uni = UniversityFactory()
    expert = Expert.objects.create(name="张教授", university=uni)
    Achievement.objects.create(kind="paper", external_id="csl-1", title="一种电机控制方法").experts.add(expert)
    platform = Platform.objects.create(name="测试研究院", university=uni)
    enterprise = EnterpriseFactory(region=region_by_name("溧城街道"), industry=Industry.objects.get(code="38"))
    EnterpriseTag.objects.create(enterprise=enterprise, kind="high_tech", year=2021)
    Contact.objects.create(enterprise=enterprise, name="王经理")
    credited = {"batch": batch, "group": group, "date": D}
    EnterpriseLink.objects.create(batch=batch, group=group, enterprise=enterprise, date=D).members.add(member)
    visit = ledger.Visit.objects.create(enterprise=enterprise, **credited)
    visit.members.add(member)
    lead = Lead.objects.create(source="visit", reference="L-2021-0001", raw_text="需要电机降噪", visit=visit)
    need = Need.objects.create(lead=lead, enterprise=enterprise, title="电机降噪", description="…", **credited)
    NeedCollaborator.objects.create(need=need, member=member, status="active")
    NeedTransition.objects.create(need=need, action="verify", from_state="pending", to_state="verified")
    ProgressEntry.objects.create(need=need, member=member, date=D, current_status="已对接专家")
    OutcomeRound.objects.create(need=need, date=D, signed_amount_wan=Decimal("10"))
    ledger.Event.objects.create(kind="matchmaking", title="产学研专场", **credited).universities.add(uni)
    ledger.VisitorRecord.objects.create(kind="expert", visitor_name="李教授", university=uni, **credited)
    ledger.Report.objects.create(title="调研报告", **credited)
    ledger.TalentIntroduction.objects.create(talent_name="赵博士", enterprise=enterprise, **credited)
    ledger.ProjectBrokered.objects.create(title="项目", enterprise=enterprise, amount_wan=Decimal("100"), **credited)
    ledger.PlatformIntroduction.objects.create(platform=platform, **credited)
    ledger.EnterpriseLanding.objects.create(enterprise=enterprise, **credited)
    ledger.EmploymentBase.objects.create(enterprise=enterprise, university=uni, **credited)
    ledger.FundLanding.objects.create(fund_name="创投基金", amount_wan=Decimal("30000"), **credited)
    ledger.ApplicationSupported.objects.create(enterprise=enterprise, kind="technology", title="申报", **credited)
    ledger.EnterpriseCultivation.objects.create(enterprise=enterprise, kind="high_tech", **credited)
    ledger.UniversityPairing.objects.create(university=uni, region=region_by_name("湖塘镇"), **credited)
    Intent.objects.create(title="合作意向", enterprise=enterprise, university=uni, need=need, **credited)
    agreement = Agreement.objects.create(
        title="技术开发合同", enterprise=enterprise, university=uni, contract_amount_wan=Decimal("200"), **credited
    )
    AgreementReceipt.objects.create(agreement=agreement, date=D, amount_wan=Decimal("50"))
    policy = Policy.objects.create(
        title="科技成果转化专项资金管理办法", level="province", issuer="省财政厅", issued_on=D
    )
    NeedPolicy.objects.create(need=need, policy=policy, note="可申报")
    AuditLog.objects.create(
        action="update", model="x.y", object_id="1", object_repr="x", before={"a": 1}, after={"a": 2}
    )


def _urls(model, name):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}")


def test_every_model_of_every_app_is_registered():
    from django.apps import apps

    missing = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("techmayor.") and m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_changelist_add_and_change_pages_open(client, superuser, world, rf):
    request = rf.get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        response = client.get(_urls(model, "changelist"))
        assert response.status_code == 200, label
        response = client.get(_urls(model, "add"))
        assert response.status_code == (200 if model_admin.has_add_permission(request) else 403), label
        obj = model._default_manager.first()
        if obj is not None:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, label
    # Search boxes work (autocomplete relies on them too).
    assert client.get(_urls(Enterprise, "changelist"), {"q": "常州"}).status_code == 200


@pytest.mark.django_db
def test_admin_pages_are_in_chinese(client, superuser):
    response = client.get(reverse("admin:index"))
    assert "企业" in response.content.decode() and "操作记录" in response.content.decode()


def _enterprise_form(**fields):
    data = {
        "name": "",
        "credit_code": "",
        "region": "",
        "industry": "",
        "address": "",
        "description": "",
        "tags-TOTAL_FORMS": "0",
        "tags-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


@pytest.mark.django_db
def test_saving_an_enterprise_through_the_admin_is_audited(client, superuser):
    code = credit_code()
    data = _enterprise_form(
        name="常州示例电机有限公司",
        credit_code=code,
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-name": "王经理", "contacts-0-phone": "0519-1234567"},
    )
    response = client.post(_urls(Enterprise, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.created_by == superuser and enterprise.updated_by == superuser

    log = AuditLog.objects.get(model="enterprises.enterprise", object_id=str(enterprise.pk))
    assert (log.source, log.action, log.actor) == ("admin", "create", superuser)
    assert log.after["name"] == "常州示例电机有限公司" and log.before is None
    contact = enterprise.contacts.get()
    assert AuditLog.objects.get(model="enterprises.contact", object_id=str(contact.pk)).source == "admin"

    # A change records before and after; the inline contact is changed too.
    change_url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = _enterprise_form(
        name="常州示例电机股份有限公司",
        credit_code=code,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(contact.pk),
            "contacts-0-enterprise": str(enterprise.pk),
            "contacts-0-name": "王总",
            "contacts-0-phone": "0519-1234567",
        },
    )
    assert client.post(change_url, data).status_code == 302
    update = AuditLog.objects.filter(model="enterprises.enterprise", action="update").get()
    assert update.before["name"] == "常州示例电机有限公司"
    assert update.after["name"] == "常州示例电机股份有限公司"
    assert update.changed_fields == ["name"]  # same normalised name: the legal form is dropped
    contact_update = AuditLog.objects.get(model="enterprises.contact", action="update")
    assert (contact_update.before["name"], contact_update.after["name"]) == ("王经理", "王总")

    # Saving again without changes writes nothing.
    count = AuditLog.objects.count()
    assert client.post(change_url, data).status_code == 302
    assert AuditLog.objects.count() == count

    # The audit log shows the change, read-only.
    page = client.get(reverse("admin:core_auditlog_change", args=[update.pk])).content.decode()
    assert "常州示例电机有限公司" in page and "常州示例电机股份有限公司" in page
    assert client.post(reverse("admin:core_auditlog_change", args=[update.pk]), {}).status_code == 403
    assert client.post(reverse("admin:core_auditlog_delete", args=[update.pk]), {"post": "yes"}).status_code == 403

    # Deleting is recorded with the last state.
    delete_url = reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    deletion = AuditLog.objects.get(model="enterprises.enterprise", action="delete")
    assert deletion.object_id == str(enterprise.pk) and deletion.before["credit_code"] == code
    assert deletion.source == "admin"


@pytest.mark.django_db
def test_many_to_many_members_are_in_the_after_snapshot(client, superuser):
    group = GroupFactory()
    member = TenureFactory(group=group, batch=group.batch).member
    data = {
        "batch": group.batch.pk,
        "group": group.pk,
        "date": "2021-10-08",
        "title": "调研报告",
        "summary": "",
        "note": "",
    }
    data["members"] = [member.pk]
    assert client.post(_urls(ledger.Report, "add"), data).status_code == 302
    log = AuditLog.objects.get(model="ledger.report")
    assert log.after["members"] == [member.pk]


@pytest.mark.django_db
def test_bulk_delete_action_is_audited(client, superuser):
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    data = {"action": "delete_selected", "_selected_action": [e.pk for e in enterprises], "post": "yes"}
    assert client.post(_urls(Enterprise, "changelist"), data).status_code == 302
    assert not Enterprise.objects.exists()
    assert AuditLog.objects.filter(model="enterprises.enterprise", action="delete", source="admin").count() == 2


@pytest.mark.django_db
def test_needs_and_leads_are_never_deleted_and_the_state_is_read_only(superuser, rf):
    request = rf.get("/")
    request.user = superuser
    need_admin = admin.site._registry[Need]
    assert "state" in need_admin.get_readonly_fields(request)
    assert not need_admin.has_delete_permission(request)
    assert not admin.site._registry[Lead].has_delete_permission(request)
