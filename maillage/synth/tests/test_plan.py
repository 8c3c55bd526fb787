"""The plan alone (no database): its shape and its determinism."""

from collections import Counter
from datetime import UTC, datetime

from maillage.synth.plan import MAX_DEGREE, plan_graph, plan_members

AS_OF = datetime(2026, 12, 7, tzinfo=UTC)


def _degrees(n, seed):
    members = plan_members(n, seed, AS_OF)
    graph = plan_graph(members, seed)
    return members, graph, [graph.degree(i) for i in range(n)]


def test_degrees_are_heavy_tailed_around_a_mean_of_about_100():
    members, graph, degrees = _degrees(2000, "1")
    mean = sum(degrees) / len(degrees)
    assert 70 <= mean <= 130
    assert max(degrees) >= 5 * mean
    assert max(degrees) <= MAX_DEGREE
    # Most members are below the mean, a long tail above it.
    assert sorted(degrees)[len(degrees) // 2] < mean
    assert len(graph.edge_keys) * 2 == sum(degrees)


def test_most_connections_are_inside_a_shared_organization_school_or_city():
    members, graph, _degrees_ = _degrees(2000, "1")

    def circles(m):
        current = next((p for p in m.spec.positions if p.end_date is None), m.spec.positions[0])
        return {
            ("org", current.organization_name, m.spec.city),
            ("city", m.spec.city),
            *(("school", e.school) for e in m.spec.education),
        }

    own = [circles(m) for m in members]
    shared = sum(
        1 for i, others in enumerate(graph.adjacency) for j in others if own[i] & own[j]
    )
    total = sum(len(a) for a in graph.adjacency)
    assert shared / total > 0.5


def test_members_are_about_half_french_half_english_with_numbered_addresses():
    members = plan_members(400, "1", AS_OF)
    languages = Counter(m.spec.language for m in members)
    assert 150 <= languages["fr"] <= 250 and 150 <= languages["en"] <= 250
    assert [m.spec.email for m in members[:3]] == [
        "member1@synth.maillage.test",
        "member2@synth.maillage.test",
        "member3@synth.maillage.test",
    ]
    assert len({m.extras.address for m in members}) == 400
    assert all(m.joined < AS_OF for m in members)


def test_same_seed_same_graph_other_seed_other_graph():
    _m1, first, _d1 = _degrees(300, "7")
    _m2, again, _d2 = _degrees(300, "7")
    _m3, other, _d3 = _degrees(300, "8")
    assert [list(a) for a in first.adjacency] == [list(a) for a in again.adjacency]
    assert first.follows == again.follows and first.blocks == again.blocks
    assert first.edge_keys != other.edge_keys
