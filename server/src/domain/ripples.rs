//! Community dynamics read from the graph of activities, networks and links: the ripple map of one
//! activity (Ripple Effects Mapping: the activity in the middle, what it set off around it), an
//! area's figures, and its timeline. Pure: the graph comes in, drawings and counts go out.
//!
//! One rule runs through all three: a `led_to` step is an effect, so it only runs forward and it is
//! what "order" counts; the three relations (residents, residents–networks, networks–institutions)
//! are the ties an activity stands in, so they cost nothing. An activity naming another activity
//! among the things it grew from is the same effect as a `led_to` link, recorded from the other end
//! ([`led_to_edges`]), so a worker need not record it twice.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::f64::consts::{FRAC_PI_2, TAU};

use app::model::{
    CommunityGraph, CommunityNode, Day, DynamicsFigures, LinkKind, NodeKind, RippleLink,
    RippleNode, Ripples, SourceKind, TimelineMonth, MAX_RIPPLE_NODES,
};

/// Distance between two rings of the drawing, in SVG units: room for a label between them.
pub const RING_STEP: f64 = 110.0;

/// Room around the outermost ring for the labels of the nodes on it.
pub const LABEL_MARGIN: f64 = 130.0;

/// The smallest drawing: a lone centre still needs room for its name.
pub const MIN_SIZE: f64 = 300.0;

/// The `led_to` steps of a graph as (from, to): its `led_to` links, and an edge from every activity
/// another one names among its origins to that one. Deduplicated (a worker may have recorded both)
/// and sorted, so the traversals that use them are deterministic. Edges with an end that is not a
/// node of the graph are left out: such a step can be neither drawn nor walked, and keeping it would
/// make the activity it points at look as if something outside led to it (so not a root).
pub fn led_to_edges(graph: &CommunityGraph) -> Vec<(String, String)> {
    let known: HashSet<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
    let links = graph
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::LedTo)
        .map(|l| (l.from.as_str(), l.to.as_str()));
    let grown = graph.nodes.iter().flat_map(|n| {
        n.grew_from
            .iter()
            .filter(|o| o.kind == SourceKind::Activity)
            .map(move |o| (o.id.as_str(), n.id.as_str()))
    });
    let edges: BTreeSet<(&str, &str)> = links
        .chain(grown)
        .filter(|(from, to)| from != to && known.contains(from) && known.contains(to))
        .collect();
    edges
        .into_iter()
        .map(|(from, to)| (from.to_owned(), to.to_owned()))
        .collect()
}

/// The ripple map of the activity `centre`, or `None` when that is not an activity of the graph.
///
/// Nodes come in by walking out from the centre: a `led_to` step forward costs one order, a relation
/// either way costs none (at most [`MAX_RELATION_STEPS`] in a row) but never brings in an activity (a mosque that also hosts an unrelated
/// activity must not pull that activity onto this map; an activity is on it only as an effect). A
/// node's order is the fewest `led_to` steps to it, and it hangs from the node it was first reached
/// from on such a path. The map holds at most [`MAX_RIPPLE_NODES`], the nearest first; `left_out`
/// says how many more there were. Every link between two nodes on the map is drawn, not just the
/// tree's, and notes are copied as they are (the caller strips them for the public).
pub fn ripples(graph: &CommunityGraph, centre: &str) -> Option<Ripples> {
    let nodes = index(graph);
    let centre = nodes
        .get(centre)
        .copied()
        .filter(|n| n.kind == NodeKind::Activity)?;
    let led_to = led_to_edges(graph);
    let adjacency = adjacency(graph, &nodes, &led_to);
    let mut reached = traverse(centre, &nodes, &adjacency);
    let left_out = reached.len().saturating_sub(MAX_RIPPLE_NODES);
    // The traversal settles a node only after the node it hangs from, so cutting its tail keeps
    // every kept node's parent on the map.
    reached.truncate(MAX_RIPPLE_NODES);

    let (placed, size, rings) = layout(&reached);
    let on_map: HashSet<&str> = reached.iter().map(|r| r.node.id.as_str()).collect();
    let ripple_nodes = reached
        .iter()
        .zip(placed)
        .map(|(r, (x, y))| RippleNode {
            id: r.node.id.clone(),
            name: r.node.name.clone(),
            kind: r.node.kind,
            order: r.order,
            parent: r.parent.map(str::to_owned),
            x,
            y,
        })
        .collect();
    Some(Ripples {
        centre: centre.clone(),
        nodes: ripple_nodes,
        links: map_links(graph, &reached, &on_map),
        size,
        rings,
        left_out: u32::try_from(left_out).unwrap_or(u32::MAX),
    })
}

/// An area's figures, for the nodes `in_area` accepts.
///
/// `second_order` counts the nodes of the area two or more `led_to` steps away from a root (an
/// activity nothing led to): what ABCD hopes for, effects of effects. A node no root leads to (one
/// only on a cycle) has no such distance and is not counted.
pub fn figures(
    graph: &CommunityGraph,
    in_area: &dyn Fn(&CommunityNode) -> bool,
) -> DynamicsFigures {
    let area: Vec<&CommunityNode> = graph.nodes.iter().filter(|n| in_area(n)).collect();
    let area_ids: HashSet<&str> = area.iter().map(|n| n.id.as_str()).collect();
    let activities: Vec<&CommunityNode> = area
        .iter()
        .copied()
        .filter(|n| n.kind == NodeKind::Activity)
        .collect();
    let from_residents = activities
        .iter()
        .filter(|a| a.grew_from.iter().any(|o| o.kind.from_residents()))
        .count();
    let led_to = led_to_edges(graph);
    let touches = |from: &str, to: &str| area_ids.contains(from) || area_ids.contains(to);
    let connections = LinkKind::ALL
        .into_iter()
        .map(|kind| {
            // `led_to` steps are counted as the ripple map draws them: links and an activity's
            // growing from another, once per pair.
            let n = match kind {
                LinkKind::LedTo => led_to.iter().filter(|(f, t)| touches(f, t)).count(),
                _ => graph
                    .links
                    .iter()
                    .filter(|l| l.kind == kind && touches(&l.from, &l.to))
                    .count(),
            };
            (kind, count(n))
        })
        .collect();
    let orders = orders_from_roots(graph, &led_to);
    let second_order = area_ids
        .iter()
        .filter(|id| orders.get(*id).is_some_and(|&o| o >= 2))
        .count();
    DynamicsFigures {
        activities: count(activities.len()),
        from_residents: count(from_residents),
        connections,
        second_order: count(second_order),
    }
}

/// The area's months, oldest first: the activities started in each (by day, then name) and the
/// connections made (links with an end in the area, by the day they began). Months in which nothing
/// happened are left out, so a quiet year does not fill the page.
pub fn timeline(
    graph: &CommunityGraph,
    in_area: &dyn Fn(&CommunityNode) -> bool,
) -> Vec<TimelineMonth> {
    let nodes = index(graph);
    let area: Vec<&CommunityNode> = graph.nodes.iter().filter(|n| in_area(n)).collect();
    let area_ids: HashSet<&str> = area.iter().map(|n| n.id.as_str()).collect();
    // A link's far end may lie outside the graph given; its id is all there is to name it by.
    let name = |id: &str| {
        nodes
            .get(id)
            .map_or_else(|| id.to_owned(), |n| n.name.clone())
    };

    let mut activities: Vec<(Day, &str, &str)> = area
        .iter()
        .filter(|n| n.kind == NodeKind::Activity)
        .map(|n| (n.started_on, n.name.as_str(), n.id.as_str()))
        .collect();
    activities.sort_unstable();
    let mut connections: Vec<(Day, String, String, LinkKind, &str)> = graph
        .links
        .iter()
        .filter(|l| area_ids.contains(l.from.as_str()) || area_ids.contains(l.to.as_str()))
        .map(|l| (l.on, name(&l.from), name(&l.to), l.kind, l.id.as_str()))
        .collect();
    connections.sort_unstable();

    let mut months: BTreeMap<String, TimelineMonth> = BTreeMap::new();
    for (day, name, id) in activities {
        month_entry(&mut months, day)
            .activities
            .push((id.to_owned(), name.to_owned()));
    }
    for (day, from, to, kind, _) in connections {
        month_entry(&mut months, day)
            .connections
            .push((from, to, kind));
    }
    months.into_values().collect()
}

/// The timeline's month of `day`, begun empty when it is the first thing in it.
fn month_entry(months: &mut BTreeMap<String, TimelineMonth>, day: Day) -> &mut TimelineMonth {
    let key = month(day);
    months.entry(key.clone()).or_insert_with(|| TimelineMonth {
        month: key,
        activities: Vec::new(),
        connections: Vec::new(),
    })
}

/// `YYYY-MM` of a day.
fn month(day: Day) -> String {
    let date = day.date();
    format!("{:04}-{:02}", date.year(), date.month())
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// How nodes are ordered wherever the graph gives no order of its own: by kind, name and id, so the
/// same graph in another order gives the same answer.
type Key<'a> = (NodeKind, &'a str, &'a str);

fn key(n: &CommunityNode) -> Key<'_> {
    (n.kind, n.name.as_str(), n.id.as_str())
}

/// The nodes by id. Should an id occur twice, the one first by [`key`] is kept, so that the store's
/// row order cannot change a map.
fn index(graph: &CommunityGraph) -> HashMap<&str, &CommunityNode> {
    let mut nodes: HashMap<&str, &CommunityNode> = HashMap::with_capacity(graph.nodes.len());
    for n in &graph.nodes {
        nodes
            .entry(n.id.as_str())
            .and_modify(|kept| {
                if key(n) < key(kept) {
                    *kept = n;
                }
            })
            .or_insert(n);
    }
    nodes
}

/// Where one may walk from each node of a ripple map, with the cost (1 for a `led_to` step, 0 for a
/// relation), sorted by the neighbour's [`key`]. One entry per neighbour, the cheapest.
type Adjacency<'a> = HashMap<&'a str, Vec<(&'a CommunityNode, u32)>>;

fn adjacency<'a>(
    graph: &'a CommunityGraph,
    nodes: &HashMap<&'a str, &'a CommunityNode>,
    led_to: &'a [(String, String)],
) -> Adjacency<'a> {
    let mut cost: HashMap<(&str, &str), u32> = HashMap::new();
    let mut add = |from: &'a str, to: &'a str, c: u32| {
        cost.entry((from, to))
            .and_modify(|old| *old = (*old).min(c))
            .or_insert(c);
    };
    for (from, to) in led_to {
        add(from, to, 1);
    }
    for l in graph.links.iter().filter(|l| l.kind != LinkKind::LedTo) {
        for (from, to) in [
            (l.from.as_str(), l.to.as_str()),
            (l.to.as_str(), l.from.as_str()),
        ] {
            // An activity is on a map only as an effect: a relation never brings one in.
            let to_network = nodes.get(to).is_some_and(|n| n.kind != NodeKind::Activity);
            if from != to && to_network && nodes.contains_key(from) {
                add(from, to, 0);
            }
        }
    }
    let mut out: Adjacency<'a> = HashMap::new();
    for ((from, to), c) in cost {
        if let Some(&node) = nodes.get(to) {
            out.entry(from).or_default().push((node, c));
        }
    }
    for next in out.values_mut() {
        next.sort_unstable_by(|a, b| (key(a.0), a.1).cmp(&(key(b.0), b.1)));
    }
    out
}

/// A node as the walk from the centre settled it.
#[derive(Debug, Clone, Copy)]
struct Reached<'a> {
    node: &'a CommunityNode,
    order: u32,
    parent: Option<&'a str>,
    /// Whether the step from its parent was a relation (it is then drawn on the ring between its
    /// order's and the next, as something tied to the effect rather than an effect itself).
    by_relation: bool,
}

impl Reached<'_> {
    fn ring(&self) -> u32 {
        2 * self.order + u32::from(self.by_relation)
    }
}

/// How many relations in a row a map follows from an activity: the activity's own ties (the mosque
/// of the kookclub) and theirs (the wijkagent the mosque works with). Further on, networks tied to
/// networks would fill every map of a well-connected gemeente with the same web before its effects.
pub const MAX_RELATION_STEPS: u32 = 2;

/// Dijkstra from the centre over states (node, relation steps since the last effect), at most
/// `MAX_RELATION_STEPS + 1` per node: a `led_to` step adds one order and starts the count of
/// relations again, a relation adds one step and is followed only while fewer than
/// [`MAX_RELATION_STEPS`] were taken. States are taken from the queue by (order, steps), ties by
/// [`key`]. A node is on the map from its first state (its fewest `led_to` steps, then fewest
/// relations) and hangs from the node that state was reached from; a later state of it with fewer
/// relation steps (reached by a longer chain of effects) still reaches on, but adds no second entry.
/// Returns the nodes in the order they were first settled: by order, each after its parent,
/// otherwise by key, so the same graph gives the same tree.
fn traverse<'a>(
    centre: &'a CommunityNode,
    nodes: &HashMap<&'a str, &'a CommunityNode>,
    adjacency: &Adjacency<'a>,
) -> Vec<Reached<'a>> {
    type State<'a> = (&'a str, u32);
    // Best known order and parent per state.
    let mut best: HashMap<State<'a>, (u32, Option<&'a str>)> = HashMap::new();
    let mut settled: HashSet<State<'a>> = HashSet::new();
    // The fewest relation steps a node was settled with: a state with no fewer reaches nothing new.
    let mut fewest_steps: HashMap<&str, u32> = HashMap::new();
    let mut queue: BinaryHeap<Reverse<((u32, u32), Key<'a>)>> = BinaryHeap::new();
    let mut out = Vec::new();
    best.insert((centre.id.as_str(), 0), (0, None));
    queue.push(Reverse(((0, 0), key(centre))));
    while let Some(Reverse(((order, steps), (_, _, id)))) = queue.pop() {
        let Some(&(best_order, parent)) = best.get(&(id, steps)) else {
            continue;
        };
        // A queue entry made stale by a shorter path found later, or a state already settled.
        if best_order != order || !settled.insert((id, steps)) {
            continue;
        }
        let Some(&node) = nodes.get(id) else {
            continue;
        };
        match fewest_steps.get(id) {
            Some(&fewer) if fewer <= steps => continue,
            Some(_) => {}
            None => out.push(Reached {
                node,
                order,
                parent,
                by_relation: steps > 0,
            }),
        }
        fewest_steps.insert(id, steps);
        for &(next, cost) in adjacency.get(id).into_iter().flatten() {
            let state = if cost == 0 {
                if steps >= MAX_RELATION_STEPS {
                    continue;
                }
                ((next.id.as_str(), steps + 1), order)
            } else {
                ((next.id.as_str(), 0), order + cost)
            };
            if settled.contains(&state.0) {
                continue;
            }
            if best.get(&state.0).is_none_or(|b| state.1 < b.0) {
                best.insert(state.0, (state.1, Some(id)));
                queue.push(Reverse(((state.1, state.0 .1), key(next))));
            }
        }
    }
    out
}

/// Positions of a radial tree: ring `2 * order (+1 when hung from a relation)` at [`RING_STEP`]
/// apart, each node given a wedge of the circle in proportion to the leaves below it, its children in
/// [`key`] order inside it from the top clockwise. A node with children on its own ring (a mosque
/// and the wijkagent it works with) also gets a slot of its own amid them: sitting at the middle of
/// its wedge it would cover its only such child. Returns each node's (x, y), the size of the square
/// and the rings' radii.
fn layout(reached: &[Reached<'_>]) -> (Vec<(f64, f64)>, f64, Vec<f64>) {
    let n = reached.len();
    let position: HashMap<&str, usize> = reached
        .iter()
        .enumerate()
        .map(|(i, r)| (r.node.id.as_str(), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, r) in reached.iter().enumerate() {
        if let Some(&p) = r.parent.and_then(|p| position.get(p)) {
            children[p].push(i);
        }
    }
    for list in &mut children {
        list.sort_unstable_by_key(|&c| key(reached[c].node));
    }
    let own_slot: Vec<bool> = (0..n)
        .map(|i| {
            children[i].is_empty()
                || children[i]
                    .iter()
                    .any(|&c| reached[c].ring() == reached[i].ring())
        })
        .collect();
    // Leaves below each node; children are settled after their parent, so backwards is bottom-up.
    let mut weight = vec![0.0_f64; n];
    for i in (0..n).rev() {
        let below: f64 = children[i].iter().map(|&c| weight[c]).sum();
        weight[i] = below + if own_slot[i] { 1.0 } else { 0.0 };
    }
    // Wedges top-down, the centre's being the whole circle from the top.
    let mut wedge = vec![(-FRAC_PI_2, TAU - FRAC_PI_2); n];
    let mut angle = vec![0.0_f64; n];
    for i in 0..n {
        let (start, end) = wedge[i];
        let unit = (end - start) / weight[i].max(1.0);
        let mut cursor = start;
        let middle = children[i].len() / 2;
        for (k, &c) in children[i].iter().enumerate() {
            if k == middle && own_slot[i] {
                angle[i] = cursor + unit / 2.0;
                cursor += unit;
            }
            wedge[c] = (cursor, cursor + weight[c] * unit);
            cursor += weight[c] * unit;
        }
        if children[i].is_empty() || !own_slot[i] {
            angle[i] = (start + end) / 2.0;
        }
    }
    let outer = reached.iter().map(Reached::ring).max().unwrap_or(0);
    let size = (2.0 * (f64::from(outer) * RING_STEP + LABEL_MARGIN)).max(MIN_SIZE);
    let mid = size / 2.0;
    let placed = reached
        .iter()
        .zip(angle)
        .map(|(r, a)| {
            let radius = f64::from(r.ring()) * RING_STEP;
            (tenth(mid + radius * a.cos()), tenth(mid + radius * a.sin()))
        })
        .collect();
    let rings = (1..=outer).map(|i| f64::from(i) * RING_STEP).collect();
    (placed, size, rings)
}

/// Rounded to a tenth of an SVG unit: finer is invisible and only makes the page longer.
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The links between nodes on the map, the grown-from steps among them drawn as `led_to` (unless a
/// `led_to` link already says the same), by day and then id.
fn map_links(
    graph: &CommunityGraph,
    reached: &[Reached<'_>],
    on_map: &HashSet<&str>,
) -> Vec<RippleLink> {
    let mut links: Vec<(Day, &str, RippleLink)> = graph
        .links
        .iter()
        .filter(|l| on_map.contains(l.from.as_str()) && on_map.contains(l.to.as_str()))
        .map(|l| {
            let link = RippleLink {
                from: l.from.clone(),
                to: l.to.clone(),
                kind: l.kind,
                capital: l.capital,
                on: l.on,
                note: l.note.clone(),
            };
            (l.on, l.id.as_str(), link)
        })
        .collect();
    let recorded: HashSet<(&str, &str)> = graph
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::LedTo)
        .map(|l| (l.from.as_str(), l.to.as_str()))
        .collect();
    let mut grown: BTreeSet<(Day, &str, &str)> = BTreeSet::new();
    for r in reached {
        let to = r.node.id.as_str();
        for o in r
            .node
            .grew_from
            .iter()
            .filter(|o| o.kind == SourceKind::Activity)
        {
            let from = o.id.as_str();
            if from != to && on_map.contains(from) && !recorded.contains(&(from, to)) {
                grown.insert((r.node.started_on, from, to));
            }
        }
    }
    links.extend(grown.into_iter().map(|(on, from, to)| {
        let link = RippleLink {
            from: from.to_owned(),
            to: to.to_owned(),
            kind: LinkKind::LedTo,
            capital: None,
            on,
            note: None,
        };
        // No link id: sorts before the recorded links of its day.
        (on, "", link)
    }));
    links.sort_by(|a, b| {
        (a.0, a.1, &a.2.from, &a.2.to, a.2.kind).cmp(&(b.0, b.1, &b.2.from, &b.2.to, b.2.kind))
    });
    links.into_iter().map(|(_, _, link)| link).collect()
}

/// Fewest `led_to` steps from any root (an activity no step leads to), by breadth-first search from
/// all roots at once; a node on a cycle no root reaches has none.
fn orders_from_roots<'a>(
    graph: &'a CommunityGraph,
    led_to: &'a [(String, String)],
) -> HashMap<&'a str, u32> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut led_into: HashSet<&str> = HashSet::new();
    for (from, to) in led_to {
        next.entry(from.as_str()).or_default().push(to.as_str());
        led_into.insert(to.as_str());
    }
    let mut order: HashMap<&str, u32> = HashMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for n in &graph.nodes {
        let id = n.id.as_str();
        if n.kind == NodeKind::Activity && !led_into.contains(id) && !order.contains_key(id) {
            order.insert(id, 0);
            queue.push_back(id);
        }
    }
    while let Some(id) = queue.pop_front() {
        let o = order.get(id).copied().unwrap_or(0);
        for &to in next.get(id).into_iter().flatten() {
            if !order.contains_key(to) {
                order.insert(to, o + 1);
                queue.push_back(to);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{CommunityLink, Origin};

    fn day(s: &str) -> Day {
        Day::parse(s).expect("a day")
    }

    fn node(id: &str, kind: NodeKind, name: &str) -> CommunityNode {
        CommunityNode {
            id: id.into(),
            kind,
            name: name.into(),
            what: String::new(),
            gemeente: "GM0363".into(),
            location: None,
            place: None,
            started_on: day("2026-03-01"),
            recurring: false,
            campaign: None,
            grew_from: Vec::new(),
        }
    }

    fn activity(id: &str) -> CommunityNode {
        node(id, NodeKind::Activity, &id.to_uppercase())
    }

    fn network(id: &str) -> CommunityNode {
        node(id, NodeKind::LocalNetwork, &id.to_uppercase())
    }

    fn link(from: &str, to: &str, kind: LinkKind) -> CommunityLink {
        CommunityLink {
            id: format!("{from}-{to}-{}", kind.as_str()),
            from: from.into(),
            to: to.into(),
            kind,
            on: day("2026-04-01"),
            note: Some("met de imam".into()),
            capital: None,
            gemeente: "GM0363".into(),
        }
    }

    fn led(from: &str, to: &str) -> CommunityLink {
        link(from, to, LinkKind::LedTo)
    }

    fn graph(nodes: Vec<CommunityNode>, links: Vec<CommunityLink>) -> CommunityGraph {
        CommunityGraph { nodes, links }
    }

    fn map(g: &CommunityGraph, centre: &str) -> Ripples {
        ripples(g, centre).expect("an activity at the centre")
    }

    fn at<'a>(r: &'a Ripples, id: &str) -> &'a RippleNode {
        r.nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("{id} on the map"))
    }

    fn has(r: &Ripples, id: &str) -> bool {
        r.nodes.iter().any(|n| n.id == id)
    }

    fn radius(r: &Ripples, n: &RippleNode) -> f64 {
        let mid = r.size / 2.0;
        ((n.x - mid).powi(2) + (n.y - mid).powi(2)).sqrt()
    }

    fn all_apart(r: &Ripples) {
        for (i, a) in r.nodes.iter().enumerate() {
            for b in &r.nodes[i + 1..] {
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(d > 1.0, "{} and {} at the same place", a.id, b.id);
            }
        }
    }

    #[test]
    fn the_centre_alone_is_a_map_of_one() {
        let g = graph(vec![activity("a")], vec![]);
        let r = map(&g, "a");
        assert_eq!(r.centre.id, "a");
        assert_eq!(r.nodes.len(), 1);
        let a = &r.nodes[0];
        assert_eq!((a.order, a.parent.as_deref()), (0, None));
        assert_eq!(r.size, MIN_SIZE);
        assert_eq!((a.x, a.y), (r.size / 2.0, r.size / 2.0));
        assert!(r.rings.is_empty());
        assert!(r.links.is_empty());
        assert_eq!(r.left_out, 0);
    }

    #[test]
    fn a_chain_of_led_to_gives_orders_0_1_2() {
        let g = graph(
            vec![activity("a"), activity("b"), activity("c")],
            vec![led("a", "b"), led("b", "c")],
        );
        let r = map(&g, "a");
        let orders: Vec<_> = ["a", "b", "c"].iter().map(|id| at(&r, id).order).collect();
        assert_eq!(orders, [0, 1, 2]);
        assert_eq!(at(&r, "b").parent.as_deref(), Some("a"));
        assert_eq!(at(&r, "c").parent.as_deref(), Some("b"));
        // Rings 2 and 4; ring 1 and 3 keep their radius so the rings stay evenly spaced.
        assert_eq!(r.rings, [110.0, 220.0, 330.0, 440.0]);
        assert!((radius(&r, at(&r, "b")) - 220.0).abs() < 0.2);
        assert!((radius(&r, at(&r, "c")) - 440.0).abs() < 0.2);
        assert_eq!(r.size, 2.0 * (440.0 + LABEL_MARGIN));
        assert_eq!(r.links.len(), 2);
        // A led_to step runs forward only: b's map has c, not a.
        let from_b = map(&g, "b");
        assert!(has(&from_b, "c") && !has(&from_b, "a"));
    }

    #[test]
    fn a_relation_brings_networks_but_never_an_activity() {
        let wijkagent = node("wijkagent", NodeKind::Institution, "Wijkagent");
        let g = graph(
            vec![
                activity("a"),
                network("moskee"),
                activity("elders"),
                wijkagent,
            ],
            vec![
                link("a", "moskee", LinkKind::ResidentsNetworks),
                link("moskee", "elders", LinkKind::ResidentsNetworks),
                link("wijkagent", "moskee", LinkKind::NetworksInstitutions),
            ],
        );
        let r = map(&g, "a");
        let moskee = at(&r, "moskee");
        assert_eq!((moskee.order, moskee.parent.as_deref()), (0, Some("a")));
        assert!((radius(&r, moskee) - RING_STEP).abs() < 0.2, "ring 1");
        assert!(
            !has(&r, "elders"),
            "a shared mosque does not pull in its activities"
        );
        let agent = at(&r, "wijkagent");
        assert_eq!((agent.order, agent.parent.as_deref()), (0, Some("moskee")));
        assert_eq!(r.nodes.len(), 3);
        assert_eq!(r.links.len(), 2);
        assert!(r.links.iter().all(|l| l.to != "elders"));
        // Notes are copied; the caller strips them for the public.
        assert_eq!(r.links[0].note.as_deref(), Some("met de imam"));
        all_apart(&r);
    }

    #[test]
    fn relations_are_followed_two_in_a_row_and_start_again_after_an_effect() {
        let institution = |id: &str| node(id, NodeKind::Institution, &id.to_uppercase());
        let group = |id: &str| node(id, NodeKind::ResidentGroup, &id.to_uppercase());
        let g = graph(
            vec![
                activity("kook"),
                network("moskee"),
                institution("wijkagent"),
                network("sportclub"),
                group("buren"),
                activity("walk"),
                network("kerk"),
                institution("school"),
                network("voetbal"),
            ],
            vec![
                // kook - moskee - wijkagent - sportclub - buren: a web across the gemeente.
                link("kook", "moskee", LinkKind::ResidentsNetworks),
                link("moskee", "wijkagent", LinkKind::NetworksInstitutions),
                link("wijkagent", "sportclub", LinkKind::NetworksInstitutions),
                link("sportclub", "buren", LinkKind::ResidentsNetworks),
                // An effect counts its own ties afresh.
                led("kook", "walk"),
                link("walk", "kerk", LinkKind::ResidentsNetworks),
                link("kerk", "school", LinkKind::NetworksInstitutions),
                link("school", "voetbal", LinkKind::NetworksInstitutions),
            ],
        );
        let r = map(&g, "kook");
        assert_eq!(at(&r, "moskee").parent.as_deref(), Some("kook"));
        assert_eq!(at(&r, "wijkagent").parent.as_deref(), Some("moskee"));
        assert!(
            !has(&r, "sportclub") && !has(&r, "buren"),
            "three relations on"
        );
        assert_eq!(at(&r, "walk").order, 1);
        let school = at(&r, "school");
        assert_eq!((school.order, school.parent.as_deref()), (1, Some("kerk")));
        assert!(!has(&r, "voetbal"));
        assert_eq!(r.nodes.len(), 6);
        assert_eq!(r.left_out, 0);
        // The web's links between nodes left off are not drawn either.
        assert!(r
            .links
            .iter()
            .all(|l| l.from != "sportclub" && l.to != "sportclub"));
        all_apart(&r);
    }

    #[test]
    fn an_effect_starts_the_count_of_relations_again_even_at_a_node_already_on_the_map() {
        let institution = |id: &str| node(id, NodeKind::Institution, &id.to_uppercase());
        // The mosque is two relations from the kookclub (through the sportclub), and one from the
        // walking group the kookclub led to: from there, its wijkagent is in reach.
        let g = graph(
            vec![
                activity("kook"),
                network("sportclub"),
                network("moskee"),
                activity("walk"),
                institution("wijkagent"),
            ],
            vec![
                link("kook", "sportclub", LinkKind::ResidentsNetworks),
                link("sportclub", "moskee", LinkKind::ResidentsNetworks),
                led("kook", "walk"),
                link("walk", "moskee", LinkKind::ResidentsNetworks),
                link("moskee", "wijkagent", LinkKind::NetworksInstitutions),
            ],
        );
        let r = map(&g, "kook");
        let moskee = at(&r, "moskee");
        assert_eq!(
            (moskee.order, moskee.parent.as_deref()),
            (0, Some("sportclub"))
        );
        let agent = at(&r, "wijkagent");
        assert_eq!((agent.order, agent.parent.as_deref()), (1, Some("moskee")));
        assert_eq!(r.nodes.len(), 5);
        // Each node once, each after its parent.
        let ids: Vec<&str> = r.nodes.iter().map(|n| n.id.as_str()).collect();
        let place = |id: &str| ids.iter().position(|i| *i == id).expect("on the map");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        for n in &r.nodes {
            if let Some(p) = n.parent.as_deref() {
                assert!(place(p) < place(&n.id), "{} after {p}", n.id);
            }
        }
        all_apart(&r);
    }

    #[test]
    fn the_shortest_path_wins() {
        let g = graph(
            vec![activity("a"), activity("b"), activity("c"), network("club")],
            vec![
                led("a", "b"),
                led("b", "c"),
                led("a", "c"),
                // Two led_to steps away, but tied to the centre directly.
                led("c", "club"),
                link("club", "a", LinkKind::ResidentsNetworks),
            ],
        );
        let r = map(&g, "a");
        let c = at(&r, "c");
        assert_eq!((c.order, c.parent.as_deref()), (1, Some("a")));
        let club = at(&r, "club");
        assert_eq!((club.order, club.parent.as_deref()), (0, Some("a")));
        // Every link between nodes on the map, not only the tree's.
        assert_eq!(r.links.len(), 5);
    }

    #[test]
    fn cycles_terminate() {
        let g = graph(
            vec![activity("a"), activity("b"), network("moskee")],
            vec![
                led("a", "b"),
                led("b", "a"),
                link("b", "moskee", LinkKind::ResidentsNetworks),
                link("moskee", "b", LinkKind::ResidentsNetworks),
                led("moskee", "a"),
            ],
        );
        let r = map(&g, "a");
        assert_eq!(r.nodes.len(), 3);
        assert_eq!(at(&r, "a").order, 0);
        assert_eq!(at(&r, "b").order, 1);
        assert_eq!(at(&r, "moskee").order, 1);
        let f = figures(&g, &|_| true);
        assert_eq!(f.second_order, 0);
    }

    #[test]
    fn only_an_activity_of_the_graph_is_a_centre() {
        let g = graph(vec![activity("a"), network("moskee")], vec![]);
        assert!(ripples(&g, "moskee").is_none());
        assert!(ripples(&g, "elsewhere").is_none());
    }

    fn busy() -> CommunityGraph {
        let mut walk = activity("walk");
        walk.grew_from = vec![Origin {
            id: "kook".into(),
            kind: SourceKind::Activity,
        }];
        graph(
            vec![
                activity("kook"),
                activity("taal"),
                activity("tuin"),
                walk,
                network("moskee"),
                network("sport"),
                node("buren", NodeKind::ResidentGroup, "Buren"),
                node("wijkagent", NodeKind::Institution, "Wijkagent"),
                node("school", NodeKind::Institution, "School"),
            ],
            vec![
                led("kook", "taal"),
                led("kook", "tuin"),
                led("taal", "school"),
                led("tuin", "sport"),
                link("kook", "moskee", LinkKind::ResidentsNetworks),
                link("moskee", "wijkagent", LinkKind::NetworksInstitutions),
                link("buren", "moskee", LinkKind::ResidentsNetworks),
                link("taal", "buren", LinkKind::Residents),
                link("tuin", "taal", LinkKind::Residents),
            ],
        )
    }

    #[test]
    fn the_same_graph_in_another_order_gives_the_same_map() {
        let g = busy();
        let r = map(&g, "kook");
        let mut shuffled = g.clone();
        shuffled.nodes.reverse();
        shuffled.nodes.rotate_left(3);
        shuffled.links.reverse();
        shuffled.links.rotate_left(2);
        assert_eq!(map(&shuffled, "kook"), r);
        assert_eq!(figures(&shuffled, &|_| true), figures(&g, &|_| true));
        assert_eq!(timeline(&shuffled, &|_| true), timeline(&g, &|_| true));
        all_apart(&r);
    }

    #[test]
    fn a_grown_from_activity_is_a_ripple() {
        let g = busy();
        let r = map(&g, "kook");
        let walk = at(&r, "walk");
        assert_eq!((walk.order, walk.parent.as_deref()), (1, Some("kook")));
        let step: Vec<_> = r.links.iter().filter(|l| l.to == "walk").collect();
        assert_eq!(step.len(), 1);
        assert_eq!(step[0].from, "kook");
        assert_eq!(step[0].kind, LinkKind::LedTo);
        assert_eq!((step[0].capital, step[0].note.as_deref()), (None, None));
        assert_eq!(step[0].on, day("2026-03-01"));
        // Recorded as a link as well: still one step.
        let mut both = g.clone();
        both.links.push(led("kook", "walk"));
        let r = map(&both, "kook");
        assert_eq!(r.links.iter().filter(|l| l.to == "walk").count(), 1);
    }

    #[test]
    fn led_to_edges_are_deduplicated_and_sorted() {
        let mut g = busy();
        g.links.push(led("kook", "walk"));
        g.links.push(led("kook", "nowhere"));
        let edges = led_to_edges(&g);
        let pairs: Vec<(&str, &str)> = edges
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("kook", "taal"),
                ("kook", "tuin"),
                ("kook", "walk"),
                ("taal", "school"),
                ("tuin", "sport"),
            ]
        );
    }

    #[test]
    fn a_star_of_30_has_no_two_nodes_in_one_place() {
        let mut nodes = vec![activity("hub")];
        let mut links = Vec::new();
        for i in 0..30 {
            let (id, kind) = if i % 3 == 0 {
                (format!("net{i:02}"), NodeKind::LocalNetwork)
            } else {
                (format!("act{i:02}"), NodeKind::Activity)
            };
            nodes.push(node(&id, kind, &id));
            links.push(if kind == NodeKind::Activity {
                led("hub", &id)
            } else {
                link("hub", &id, LinkKind::ResidentsNetworks)
            });
        }
        // Institutions hung from two of the networks, on the networks' ring.
        nodes.push(node("agent", NodeKind::Institution, "agent"));
        links.push(link("net00", "agent", LinkKind::NetworksInstitutions));
        nodes.push(node("gemeente", NodeKind::Institution, "gemeente"));
        links.push(link("net03", "gemeente", LinkKind::NetworksInstitutions));
        let g = graph(nodes, links);
        let r = map(&g, "hub");
        assert_eq!(r.nodes.len(), 33);
        all_apart(&r);
        for n in &r.nodes[1..] {
            assert!(radius(&r, n) >= RING_STEP - 0.2, "{} off the centre", n.id);
        }
    }

    #[test]
    fn the_map_is_capped_nearest_first() {
        let mut nodes = vec![activity("hub"), network("moskee")];
        let mut links = vec![link("hub", "moskee", LinkKind::ResidentsNetworks)];
        for i in 0..130 {
            let id = format!("act{i:03}");
            nodes.push(activity(&id));
            links.push(led("hub", &id));
        }
        let g = graph(nodes, links);
        let r = map(&g, "hub");
        assert_eq!(r.nodes.len(), MAX_RIPPLE_NODES);
        assert_eq!(r.left_out, 132 - 120);
        assert_eq!(at(&r, "moskee").order, 0);
        assert!(has(&r, "act000") && !has(&r, "act129"));
        let kept: HashSet<&str> = r.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(r
            .nodes
            .iter()
            .filter_map(|n| n.parent.as_deref())
            .all(|p| kept.contains(p)));
        assert!(r
            .links
            .iter()
            .all(|l| kept.contains(l.from.as_str()) && kept.contains(l.to.as_str())));
        all_apart(&r);
    }

    #[test]
    fn figures_count_the_area() {
        let mut g = busy();
        g.nodes[1].grew_from = vec![
            Origin {
                id: "w1".into(),
                kind: SourceKind::Talent,
            },
            Origin {
                id: "w2".into(),
                kind: SourceKind::Wish,
            },
        ];
        g.nodes[2].grew_from = vec![Origin {
            id: "p".into(),
            kind: SourceKind::Entry,
        }];
        // An activity further on, grown from walk: order 2.
        let mut far = activity("far");
        far.grew_from = vec![Origin {
            id: "walk".into(),
            kind: SourceKind::Activity,
        }];
        g.nodes.push(far);
        g.nodes.push(network("outside"));
        g.links
            .push(link("outside", "wijkagent", LinkKind::NetworksInstitutions));
        let out = ["outside", "wijkagent"];
        let f = figures(&g, &|n| !out.contains(&n.id.as_str()));
        assert_eq!(f.activities, 5);
        assert_eq!(f.from_residents, 1);
        assert_eq!(
            f.connections,
            [
                (LinkKind::Residents, 2),
                (LinkKind::ResidentsNetworks, 2),
                // moskee–wijkagent has one end in the area; outside–wijkagent none.
                (LinkKind::NetworksInstitutions, 1),
                // Four links and two activities grown from another (walk, far).
                (LinkKind::LedTo, 6),
            ]
        );
        // school (kook→taal→school), sport (kook→tuin→sport), far (kook→walk→far).
        assert_eq!(f.second_order, 3);
        let none = figures(&g, &|_| false);
        assert_eq!(none.activities, 0);
        assert!(none.connections.iter().all(|&(_, n)| n == 0));
    }

    #[test]
    fn the_timeline_goes_by_month() {
        let mut g = busy();
        for (id, started) in [
            ("kook", "2026-01-20"),
            ("taal", "2026-01-05"),
            ("tuin", "2026-03-02"),
        ] {
            if let Some(n) = g.nodes.iter_mut().find(|n| n.id == id) {
                n.started_on = day(started);
            }
        }
        for l in &mut g.links {
            l.on = day("2026-02-10");
        }
        let out = ["walk", "wijkagent", "moskee", "buren"];
        let t = timeline(&g, &|n| !out.contains(&n.id.as_str()));
        let months: Vec<&str> = t.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(
            t[0].activities,
            [
                ("taal".to_owned(), "TAAL".to_owned()),
                ("kook".to_owned(), "KOOK".to_owned())
            ]
        );
        assert!(t[0].connections.is_empty());
        assert!(t[1].activities.is_empty());
        // Neither moskee–wijkagent nor buren–moskee has an end in the area.
        assert_eq!(t[1].connections.len(), 7);
        assert!(t[1]
            .connections
            .iter()
            .all(|(f, t, _)| f != "MOSKEE" || t != "Wijkagent"));
        assert_eq!(t[1].connections[0].0, "KOOK");
        assert_eq!(t[2].activities, [("tuin".to_owned(), "TUIN".to_owned())]);
    }
}
