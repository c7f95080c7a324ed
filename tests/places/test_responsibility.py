"""'Who is responsible for estate E on date D' across contract changes and custodial modes."""

from datetime import date

import pytest

from backend.errors import Conflict, ValidationFailed
from backend.places import services
from backend.places.models import CustodyMode, ManagementMode, OrgKind


@pytest.fixture
def firms(make_org):
    return (
        make_org("甲物业有限公司", OrgKind.property_firm),
        make_org("乙物业有限公司", OrgKind.property_firm),
        make_org("国资物业集团", OrgKind.property_firm, state_owned=True),
        make_org("公益托管中心", OrgKind.property_firm, charitable=True),
    )


def test_contract_change_switches_responsibility_on_the_day(make_estate, firms):
    estate = make_estate()
    first, second, *_ = firms
    services.add_contract(estate, first, date(2020, 1, 1), date(2023, 6, 30))
    services.add_contract(estate, second, date(2023, 7, 1), None)

    def who(day: date) -> tuple[str, ManagementMode, str]:
        r = services.responsible_party(estate, day)
        return r.organisation_name, r.mode, r.basis

    assert who(date(2019, 12, 31)) == (
        "青泥洼桥街道办事处",
        ManagementMode.unmanaged,
        "street_fallback",
    )
    assert who(date(2020, 1, 1)) == ("甲物业有限公司", ManagementMode.market, "contract")
    assert who(date(2023, 6, 30)) == ("甲物业有限公司", ManagementMode.market, "contract")
    assert who(date(2023, 7, 1)) == ("乙物业有限公司", ManagementMode.market, "contract")
    assert who(date(2031, 1, 1)) == ("乙物业有限公司", ManagementMode.market, "contract")


def test_gap_between_contracts_falls_back_to_the_street_office(make_estate, firms):
    estate = make_estate()
    first, second, *_ = firms
    services.add_contract(estate, first, date(2020, 1, 1), date(2020, 12, 31))
    services.add_contract(estate, second, date(2021, 3, 1), None)
    gap = services.responsible_party(estate, date(2021, 2, 1))
    assert gap.basis == "street_fallback" and gap.mode is ManagementMode.unmanaged


def test_each_custodial_mode_names_its_custodian(make_estate, firms, make_org, street):
    *_, state, charity = firms
    office = services.street_office(street.id)
    cases = [
        (state, CustodyMode.state_takeover, ManagementMode.state_takeover),
        (charity, CustodyMode.charitable_custody, ManagementMode.charitable_custody),
        (
            make_org("某小区业委会", OrgKind.owners_committee),
            CustodyMode.self_managed,
            ManagementMode.self_managed,
        ),
        (office, CustodyMode.street_custody, ManagementMode.unmanaged),
    ]
    for custodian, custody, expected_mode in cases:
        estate = make_estate()
        services.add_custody(estate, custodian, custody, date(2022, 1, 1), None)
        r = services.responsible_party(estate, date(2024, 5, 1))
        assert (r.organisation_id, r.mode, r.basis) == (custodian.id, expected_mode, "custody")
        before = services.responsible_party(estate, date(2021, 12, 31))
        assert before.basis == "street_fallback"


def test_takeover_after_a_firm_leaves(make_estate, firms):
    estate = make_estate()
    first, _, state, _ = firms
    services.add_contract(estate, first, date(2016, 5, 1), date(2022, 3, 31))
    services.add_custody(estate, state, CustodyMode.state_takeover, date(2022, 4, 1), None)
    assert services.responsible_party(estate, date(2022, 3, 31)).organisation_id == first.id
    after = services.responsible_party(estate, date(2022, 4, 1))
    assert (after.organisation_id, after.mode) == (state.id, ManagementMode.state_takeover)


def test_overlapping_arrangements_are_refused(make_estate, firms):
    estate = make_estate()
    first, second, state, _ = firms
    services.add_contract(estate, first, date(2020, 1, 1), date(2022, 12, 31))
    with pytest.raises(Conflict):
        services.add_contract(estate, second, date(2022, 12, 31), None)
    with pytest.raises(Conflict):
        services.add_custody(estate, state, CustodyMode.state_takeover, date(2019, 1, 1), None)
    services.add_contract(estate, second, date(2023, 1, 1), None)
    with pytest.raises(Conflict):
        services.add_contract(estate, first, date(2030, 1, 1), None)


def test_arrangements_need_the_right_kind_of_party(make_estate, firms, make_org):
    estate = make_estate()
    first, _, _, _ = firms
    utility = make_org("自来水公司", OrgKind.utility, utility_kind="water")
    with pytest.raises(ValidationFailed):
        services.add_contract(estate, utility, date(2020, 1, 1), None)
    with pytest.raises(ValidationFailed):  # a market firm cannot do a state takeover
        services.add_custody(estate, first, CustodyMode.state_takeover, date(2020, 1, 1), None)
    with pytest.raises(ValidationFailed):
        services.add_custody(estate, first, CustodyMode.self_managed, date(2020, 1, 1), None)
    with pytest.raises(ValidationFailed):
        services.add_contract(estate, first, date(2020, 1, 1), date(2019, 1, 1))


def test_ending_a_contract_hands_the_estate_back(make_estate, firms):
    estate = make_estate()
    contract = services.add_contract(estate, firms[0], date(2020, 1, 1), None)
    services.end_contract(contract, date(2025, 6, 30))
    assert services.responsible_party(estate, date(2025, 7, 1)).basis == "street_fallback"


def test_management_modes_in_bulk_match_one_by_one(dbsession):
    import sqlalchemy as sa

    from backend.places.models import Estate

    estates = dbsession.scalars(sa.select(Estate)).all()
    day = date(2025, 1, 15)
    bulk = services.management_modes([e.id for e in estates], day)
    assert bulk == {e.id: services.responsible_party(e, day).mode for e in estates}
    assert set(bulk.values()) == set(ManagementMode)


def test_responsibility_api_on_a_date(client, login):
    headers = login("supervisor1")
    estates = client.get("/api/estates?q=&page_size=500&with_geometry=false", headers=headers).json
    e003 = next(e for e in estates if e["code"] == "E003")
    url = f"/api/estates/{e003['id']}/responsibility"
    before = client.get(f"{url}?on=2023-06-30", headers=headers).json
    after = client.get(f"{url}?on=2023-07-01", headers=headers).json
    assert before["organisation_name"] == "大连海湾物业管理有限公司"
    assert after["organisation_name"] == "大连万家物业服务有限公司"
    assert before["until"] == "2023-06-30" and after["since"] == "2023-07-01"
    assert client.get(f"{url}?on=2023-13-01", headers=headers).status_code == 422


def test_contract_api_refuses_overlap_and_writes_nothing(client, login):
    admin = login("admin")
    estates = client.get("/api/estates?page_size=500&with_geometry=false", headers=admin).json
    e001 = next(e for e in estates if e["code"] == "E001")
    firms = client.get("/api/organisations?kind=property_firm", headers=admin).json
    body = {"estate_id": e001["id"], "firm_id": firms[0]["id"], "start_date": "2024-01-01"}
    response = client.post("/api/contracts", json=body, headers=admin)
    assert response.status_code == 409
    assert response.json["errors"]["overlaps"]
    count = len(client.get(f"/api/contracts?estate_id={e001['id']}", headers=admin).json)
    assert count == 1
