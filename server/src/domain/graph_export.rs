//! A community graph (activities, local networks, institutions, resident groups and the links between
//! them) as files that network tools open: GraphML for Gephi (and yEd, networkx, Cytoscape), Kumu's
//! JSON import, and a nodes and an edges table that Gephi's spreadsheet import reads.
//!
//! These files are public. A link's `note` is staff-only (it can name a person or a home), so no
//! function here ever reads it: even a graph built for staff, with its notes filled in, exports
//! without them.
//!
//! Output is deterministic (nodes by kind, name and id; links by day and id), so exporting the same
//! graph twice gives the same bytes and two exports can be compared with a diff.

use std::collections::{HashMap, HashSet};

use app::model::{CommunityGraph, CommunityLink, CommunityNode, LinkKind, Location, SourceKind};
use serde::Serialize;

// One CSV cell as every CSV export of the project writes it (RFC 4180 quoting, formula guard).
use crate::export::field;

/// The nodes in export order: by kind (activities first, in [`app::model::NodeKind`]'s order), then
/// name, then id (two networks may share a name).
fn sorted_nodes(graph: &CommunityGraph) -> Vec<&CommunityNode> {
    let mut nodes: Vec<&CommunityNode> = graph.nodes.iter().collect();
    nodes.sort_by(|a, b| (a.kind, &a.name, &a.id).cmp(&(b.kind, &b.name, &b.id)));
    nodes
}

/// The links in export order (by the day they began, then id), with every `led_to` step an
/// activity's `grew_from` records (`grew_from:{origin}:{activity}`, on the activity's first day)
/// unless a `led_to` link already joins the two: the file holds the ripples the pages draw.
fn sorted_links(graph: &CommunityGraph) -> Vec<CommunityLink> {
    let ids: HashSet<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
    // The led_to steps recorded as links, so one also named as an origin is exported once.
    let mut stepped: HashSet<(&str, &str)> = graph
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::LedTo)
        .map(|l| (l.from.as_str(), l.to.as_str()))
        .collect();
    let mut links: Vec<CommunityLink> = graph.links.clone();
    for n in &graph.nodes {
        for o in n
            .grew_from
            .iter()
            .filter(|o| o.kind == SourceKind::Activity)
        {
            if ids.contains(o.id.as_str()) && stepped.insert((o.id.as_str(), n.id.as_str())) {
                links.push(CommunityLink {
                    id: format!("grew_from:{}:{}", o.id, n.id),
                    from: o.id.clone(),
                    to: n.id.clone(),
                    kind: LinkKind::LedTo,
                    on: n.started_on,
                    note: None,
                    capital: None,
                    gemeente: n.gemeente.clone(),
                });
            }
        }
    }
    links.sort_by(|a, b| (a.on, &a.id).cmp(&(b.on, &b.id)));
    links
}

/// A node's position when it has a usable one: a non-finite coordinate would make an invalid
/// `xs:double` in GraphML and a `null` inside Kumu's location object.
fn position(node: &CommunityNode) -> Option<Location> {
    node.location
        .filter(|l| l.lon.is_finite() && l.lat.is_finite())
}

// ---------------------------------------------------------------------------------------------------
// GraphML

/// The attribute keys: (key id, for, attr.name, attr.type). Key ids are unique across node and edge
/// keys (GraphML requires it), so the two `kind`s are `n_kind` and `e_kind`; the attribute names are
/// what the tools show. Gephi takes the node attribute named `label` as the node's label.
const GRAPHML_KEYS: [(&str, &str, &str, &str); 11] = [
    ("label", "node", "label", "string"),
    ("n_kind", "node", "kind", "string"),
    ("gemeente", "node", "gemeente", "string"),
    ("what", "node", "what", "string"),
    ("started_on", "node", "started_on", "string"),
    ("recurring", "node", "recurring", "boolean"),
    ("lon", "node", "lon", "double"),
    ("lat", "node", "lat", "double"),
    ("e_kind", "edge", "kind", "string"),
    ("on", "edge", "on", "string"),
    ("capital", "edge", "capital", "string"),
];

/// Whether XML 1.0 allows the character at all (its `Char` production). The C0 controls other than
/// tab and line breaks cannot even be written as a character reference, so they are dropped.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text safe for both element content and a quoted attribute value. Tab and line breaks are written
/// as character references: a parser turns them into spaces inside an attribute, and folds a `\r`
/// away in content, so a literal one would not come back as it was.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| xml_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

fn graphml_data(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!(
        "      <data key=\"{key}\">{}</data>\n",
        xml_escape(value)
    ));
}

/// GraphML 1.0 of the graph, directed. Every node carries its label, kind, gemeente, description,
/// first day and whether it recurs, and its position when it has one; every edge its kind, day and
/// capital. A value that is missing gets no `<data>` (no position, no capital, an empty description),
/// so a tool does not read an empty text as a value.
///
/// A link whose end is not in the graph (an area's part of a gemeente's graph holds links to nodes
/// outside the area) keeps its edge: the end is written as a bare node with only its id, because
/// GraphML wants every edge's ends declared in the graph and tools otherwise refuse or guess.
pub fn graphml(graph: &CommunityGraph) -> String {
    let nodes = sorted_nodes(graph);
    let links = sorted_links(graph);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, domain, name, kind) in GRAPHML_KEYS {
        out.push_str(&format!(
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>\n"
        ));
    }
    out.push_str("  <graph id=\"trefpunt\" edgedefault=\"directed\">\n");
    for n in &nodes {
        out.push_str(&format!("    <node id=\"{}\">\n", xml_escape(&n.id)));
        graphml_data(&mut out, "label", &n.name);
        graphml_data(&mut out, "n_kind", n.kind.as_str());
        graphml_data(&mut out, "gemeente", &n.gemeente);
        if !n.what.is_empty() {
            graphml_data(&mut out, "what", &n.what);
        }
        graphml_data(&mut out, "started_on", &n.started_on.to_string());
        graphml_data(
            &mut out,
            "recurring",
            if n.recurring { "true" } else { "false" },
        );
        if let Some(l) = position(n) {
            graphml_data(&mut out, "lon", &l.lon.to_string());
            graphml_data(&mut out, "lat", &l.lat.to_string());
        }
        out.push_str("    </node>\n");
    }
    let known: std::collections::HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let mut outside: Vec<&str> = links
        .iter()
        .flat_map(|l| [l.from.as_str(), l.to.as_str()])
        .filter(|id| !known.contains(id))
        .collect();
    outside.sort_unstable();
    outside.dedup();
    for id in outside {
        out.push_str(&format!("    <node id=\"{}\"/>\n", xml_escape(id)));
    }
    for l in &links {
        out.push_str(&format!(
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">\n",
            xml_escape(&l.id),
            xml_escape(&l.from),
            xml_escape(&l.to)
        ));
        graphml_data(&mut out, "e_kind", l.kind.as_str());
        graphml_data(&mut out, "on", &l.on.to_string());
        if let Some(c) = l.capital {
            graphml_data(&mut out, "capital", c.as_str());
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

// ---------------------------------------------------------------------------------------------------
// Kumu JSON

#[derive(Serialize)]
struct KumuMap<'a> {
    elements: Vec<KumuElement<'a>>,
    connections: Vec<KumuConnection<'a>>,
}

#[derive(Serialize)]
struct KumuElement<'a> {
    id: &'a str,
    label: &'a str,
    /// Kumu's element type: the node kind's name.
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'a str,
    gemeente: &'a str,
    started_on: String,
    recurring: bool,
    location: Option<KumuLocation>,
    grew_from: Vec<KumuOrigin<'a>>,
}

#[derive(Serialize)]
struct KumuLocation {
    lon: f64,
    lat: f64,
}

#[derive(Serialize)]
struct KumuOrigin<'a> {
    id: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct KumuConnection<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    /// Kumu's connection type: the link kind's name.
    #[serde(rename = "type")]
    kind: &'static str,
    on: String,
    capital: Option<&'static str>,
}

/// The graph in Kumu's JSON import shape, pretty-printed: `elements` (the nodes, `type` their kind)
/// and `connections` (the links, `type` their kind). A missing position or capital is `null`.
pub fn json(graph: &CommunityGraph) -> String {
    let links = sorted_links(graph);
    let map = KumuMap {
        elements: sorted_nodes(graph)
            .into_iter()
            .map(|n| KumuElement {
                id: &n.id,
                label: &n.name,
                kind: n.kind.as_str(),
                description: &n.what,
                gemeente: &n.gemeente,
                started_on: n.started_on.to_string(),
                recurring: n.recurring,
                location: position(n).map(|l| KumuLocation {
                    lon: l.lon,
                    lat: l.lat,
                }),
                grew_from: n
                    .grew_from
                    .iter()
                    .map(|o| KumuOrigin {
                        id: &o.id,
                        kind: o.kind.as_str(),
                    })
                    .collect(),
            })
            .collect(),
        connections: links
            .iter()
            .map(|l| KumuConnection {
                id: &l.id,
                from: &l.from,
                to: &l.to,
                kind: l.kind.as_str(),
                on: l.on.to_string(),
                capital: l.capital.map(app::model::Capital::as_str),
            })
            .collect(),
    };
    // Serialising these structs (text, booleans, finite numbers, no maps) into a String cannot fail:
    // serde_json only errs on a failing writer, a non-text map key or a type's own error.
    serde_json::to_string_pretty(&map).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------------
// CSV

/// The nodes as a table for Gephi's node import (`Id`, `Label`) and spreadsheets, one row per node,
/// LF line ends like the project's other CSV exports. Text cells are guarded against formula
/// injection (see `crate::export::field`); a node without a position has empty `Lon` and `Lat`.
pub fn nodes_csv(graph: &CommunityGraph) -> String {
    let mut out = String::from("Id,Label,Kind,Gemeente,StartedOn,Recurring,Lon,Lat,What\n");
    for n in sorted_nodes(graph) {
        let (lon, lat) = position(n).map_or((String::new(), String::new()), |l| {
            (l.lon.to_string(), l.lat.to_string())
        });
        let row = [
            field(&n.id),
            field(&n.name),
            n.kind.as_str().to_string(),
            field(&n.gemeente),
            n.started_on.to_string(),
            n.recurring.to_string(),
            lon,
            lat,
            field(&n.what),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The links as a table for Gephi's edge import (`Id`, `Source`, `Target`, `Type` = `Directed`), one
/// row per link, with both ends' names so the table reads without the nodes file (empty when an end
/// is not in the graph). Text cells are guarded as in [`nodes_csv`].
pub fn links_csv(graph: &CommunityGraph) -> String {
    let mut names: HashMap<&str, &str> = HashMap::new();
    for n in sorted_nodes(graph) {
        // The first in export order wins should an id repeat, so the name is the same on every run.
        names.entry(n.id.as_str()).or_insert(n.name.as_str());
    }
    let name = |id: &str| names.get(id).copied().unwrap_or("");
    let mut out = String::from("Id,Source,Target,Type,Kind,On,Capital,SourceLabel,TargetLabel\n");
    for l in sorted_links(graph) {
        let row = [
            field(&l.id),
            field(&l.from),
            field(&l.to),
            "Directed".to_string(),
            l.kind.as_str().to_string(),
            l.on.to_string(),
            l.capital
                .map_or("", app::model::Capital::as_str)
                .to_string(),
            field(name(&l.from)),
            field(name(&l.to)),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{Capital, Day, LinkKind, NodeKind, Origin, SourceKind};
    use serde_json::Value;

    const NOTE: &str = "Fatima woont op nummer 12";
    const TRICKY: &str = "Wijkteam <Oost> & \"de Buurt\" 't Hof";
    const FORMULA: &str = "=HYPERLINK(\"http://x.nl\",\"Kookclub\")";

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
            started_on: day("2026-01-05"),
            recurring: false,
            campaign: None,
            grew_from: Vec::new(),
        }
    }

    fn link(id: &str, from: &str, to: &str, kind: LinkKind, on: &str) -> CommunityLink {
        CommunityLink {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
            on: day(on),
            note: None,
            capital: None,
            gemeente: "GM0363".into(),
        }
    }

    /// An activity that grew from a wish, a mosque with a position, an institution with awkward
    /// characters (and a control character XML cannot hold) in its name; a `led_to` link and a
    /// `residents_networks` link carrying a staff note.
    fn graph() -> CommunityGraph {
        let mut activity = node("kookclub", NodeKind::Activity, FORMULA);
        activity.what = "Samen koken, elke dinsdag.\nIedereen welkom".into();
        activity.recurring = true;
        activity.started_on = day("2026-03-01");
        activity.grew_from = vec![
            Origin {
                id: "5f0c6a43-2f8e-4d5e-9b7a-0c1d2e3f4a5b".into(),
                kind: SourceKind::Wish,
            },
            Origin {
                id: "buurtfeest".into(),
                kind: SourceKind::Activity,
            },
        ];
        let mut mosque = node("moskee", NodeKind::LocalNetwork, "Moskee Al-Nour");
        mosque.location = Some(Location {
            lon: 4.9,
            lat: 52.37,
        });
        let institution = node("wijkteam", NodeKind::Institution, &format!("{TRICKY}\u{1}"));
        let led_to = CommunityLink {
            capital: Some(Capital::Social),
            ..link("l-led", "moskee", "kookclub", LinkKind::LedTo, "2026-03-01")
        };
        let with_note = CommunityLink {
            note: Some(NOTE.into()),
            ..link(
                "l-buren",
                "kookclub",
                "moskee",
                LinkKind::ResidentsNetworks,
                "2026-02-10",
            )
        };
        CommunityGraph {
            // Out of export order on purpose: the functions sort.
            nodes: vec![institution, mosque, activity],
            links: vec![led_to, with_note],
        }
    }

    // A small XML reader for the tests (the server crate has no XML parser among its dependencies):
    // it checks that tags nest and close, that attribute values are quoted, and that every `&` opens
    // an entity XML knows, and gives back the element tree with the text unescaped.

    #[derive(Debug, Default)]
    struct El {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<El>,
        text: String,
    }

    impl El {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }

        fn all(&self, name: &str) -> Vec<&El> {
            self.children.iter().filter(|c| c.name == name).collect()
        }

        fn data(&self, key: &str) -> Option<&str> {
            self.all("data")
                .into_iter()
                .find(|d| d.attr("key") == Some(key))
                .map(|d| d.text.as_str())
        }
    }

    fn unescape(s: &str) -> String {
        assert!(!s.contains('<'), "raw < in {s:?}");
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').expect("an entity ends with ;") + i;
            let entity = &rest[i + 1..end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                e if e.starts_with("#x") => {
                    char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()
                }
                e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
                e => panic!("unknown entity &{e};"),
            };
            out.push(c);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn parse_tag(tag: &str) -> El {
        let tag = tag.trim();
        let (name, mut rest) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let mut el = El {
            name: name.to_string(),
            ..El::default()
        };
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let (key, after) = rest.split_once("=\"").expect("key=\"value\"");
            let (value, after) = after.split_once('"').expect("a closing quote");
            assert!(!key.contains(char::is_whitespace), "attribute name {key:?}");
            assert!(!value.contains('>'), "raw > in attribute {value:?}");
            el.attrs.push((key.to_string(), unescape(value)));
            rest = after;
        }
        el
    }

    fn parse_xml(xml: &str) -> El {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .expect("the XML declaration");
        let mut stack: Vec<El> = vec![El::default()];
        let mut rest = body;
        while !rest.is_empty() {
            let open = rest.find('<').unwrap_or(rest.len());
            let text = unescape(&rest[..open]);
            assert!(!rest[..open].contains('>'), "raw > in text");
            stack.last_mut().unwrap().text.push_str(&text);
            rest = &rest[open..];
            if rest.is_empty() {
                break;
            }
            let close = rest.find('>').expect("a tag ends with >");
            let tag = &rest[1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let el = stack.pop().unwrap();
                assert_eq!(el.name, name, "closing tag matches");
                stack.last_mut().unwrap().children.push(el);
            } else if let Some(tag) = tag.strip_suffix('/') {
                let el = parse_tag(tag);
                stack.last_mut().unwrap().children.push(el);
            } else {
                stack.push(parse_tag(tag));
            }
        }
        assert_eq!(stack.len(), 1, "every element is closed");
        let mut doc = stack.pop().unwrap();
        assert_eq!(doc.children.len(), 1, "one root element");
        assert!(doc.text.trim().is_empty(), "no text outside the root");
        doc.children.pop().unwrap()
    }

    #[test]
    fn graphml_parses_back_with_its_nodes_edges_and_labels() {
        let xml = graphml(&graph());
        let root = parse_xml(&xml);
        assert_eq!(root.name, "graphml");
        assert_eq!(
            root.attr("xmlns"),
            Some("http://graphml.graphdrawing.org/xmlns")
        );
        let keys = root.all("key");
        assert_eq!(keys.len(), GRAPHML_KEYS.len());
        let mut ids: Vec<_> = keys.iter().filter_map(|k| k.attr("id")).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), keys.len(), "key ids are unique");
        let label = keys.iter().find(|k| k.attr("id") == Some("label")).unwrap();
        assert_eq!(label.attr("attr.name"), Some("label"));
        assert_eq!(label.attr("for"), Some("node"));
        assert!(
            xml.find("<key ").unwrap() < xml.find("<graph ").unwrap(),
            "keys come before the graph"
        );

        let graphs = root.all("graph");
        assert_eq!(graphs.len(), 1);
        let g = graphs[0];
        assert_eq!(g.attr("id"), Some("trefpunt"));
        assert_eq!(g.attr("edgedefault"), Some("directed"));
        let nodes = g.all("node");
        let edges = g.all("edge");
        assert_eq!((nodes.len(), edges.len()), (3, 2));

        // Export order: by kind, and the links by day.
        let order: Vec<_> = nodes.iter().filter_map(|n| n.attr("id")).collect();
        assert_eq!(order, ["kookclub", "moskee", "wijkteam"]);
        let activity = nodes[0];
        assert_eq!(activity.data("label"), Some(FORMULA));
        assert_eq!(activity.data("n_kind"), Some("activity"));
        assert_eq!(activity.data("recurring"), Some("true"));
        assert_eq!(activity.data("started_on"), Some("2026-03-01"));
        assert_eq!(
            activity.data("what"),
            Some("Samen koken, elke dinsdag.\nIedereen welkom")
        );
        assert_eq!(activity.data("lon"), None, "no position, no lon");
        let mosque = nodes[1];
        assert_eq!(mosque.data("lon"), Some("4.9"));
        assert_eq!(mosque.data("lat"), Some("52.37"));
        assert_eq!(
            mosque.data("what"),
            None,
            "an empty description is left out"
        );
        // The awkward name comes back whole; the control character is gone.
        assert_eq!(nodes[2].data("label"), Some(TRICKY));
        assert!(!xml.contains('\u{1}'));

        let first = edges[0];
        assert_eq!(first.attr("id"), Some("l-buren"));
        assert_eq!(first.attr("source"), Some("kookclub"));
        assert_eq!(first.attr("target"), Some("moskee"));
        assert_eq!(first.data("e_kind"), Some("residents_networks"));
        assert_eq!(first.data("on"), Some("2026-02-10"));
        assert_eq!(first.data("capital"), None, "no capital, no data");
        assert_eq!(edges[1].attr("source"), Some("moskee"));
        assert_eq!(edges[1].attr("target"), Some("kookclub"));
        assert_eq!(edges[1].data("capital"), Some("social"));
    }

    #[test]
    fn graphml_declares_a_link_end_outside_the_graph() {
        let mut g = graph();
        g.links.push(link(
            "l-out",
            "moskee",
            "elders",
            LinkKind::Residents,
            "2026-04-01",
        ));
        let root = parse_xml(&graphml(&g));
        let graph = &root.all("graph")[0];
        let nodes = graph.all("node");
        assert_eq!(nodes.len(), 4);
        let outside = nodes
            .iter()
            .find(|n| n.attr("id") == Some("elders"))
            .unwrap();
        assert!(outside.children.is_empty(), "only its id");
        assert_eq!(graph.all("edge").len(), 3);
        let csv = links_csv(&g);
        assert!(
            csv.lines()
                .any(|l| l == "l-out,moskee,elders,Directed,residents,2026-04-01,,Moskee Al-Nour,"),
            "{csv}"
        );
    }

    #[test]
    fn json_has_kumus_elements_and_connections() {
        let v: Value = serde_json::from_str(&json(&graph())).expect("valid JSON");
        let elements = v["elements"].as_array().unwrap();
        let connections = v["connections"].as_array().unwrap();
        assert_eq!((elements.len(), connections.len()), (3, 2));
        let types: Vec<_> = elements
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["activity", "local_network", "institution"]);
        let activity = &elements[0];
        assert_eq!(activity["id"], "kookclub");
        assert_eq!(activity["label"], FORMULA);
        assert_eq!(activity["gemeente"], "GM0363");
        assert_eq!(activity["started_on"], "2026-03-01");
        assert_eq!(activity["recurring"], true);
        assert_eq!(activity["location"], Value::Null);
        assert_eq!(activity["grew_from"][0]["kind"], "wish");
        assert_eq!(activity["grew_from"][1]["id"], "buurtfeest");
        assert_eq!(activity["grew_from"][1]["kind"], "activity");
        assert_eq!(elements[1]["location"]["lon"], 4.9);
        assert_eq!(elements[1]["location"]["lat"], 52.37);
        assert_eq!(elements[1]["description"], "");
        // JSON can hold the control character (as `\u0001`): only XML 1.0 cannot.
        assert_eq!(elements[2]["label"], format!("{TRICKY}\u{1}"));
        let c: Vec<_> = connections
            .iter()
            .map(|c| (c["from"].as_str().unwrap(), c["type"].as_str().unwrap()))
            .collect();
        assert_eq!(
            c,
            [("kookclub", "residents_networks"), ("moskee", "led_to")]
        );
        assert_eq!(connections[0]["capital"], Value::Null);
        assert_eq!(connections[1]["capital"], "social");
        assert_eq!(connections[1]["on"], "2026-03-01");
        assert_eq!(connections[1]["to"], "kookclub");
        assert_eq!(connections[1]["id"], "l-led");
    }

    #[test]
    fn csv_has_a_header_a_row_each_and_quotes_the_tricky_names() {
        let g = graph();
        let nodes = nodes_csv(&g);
        // The whole file: the description's line break stays inside its quoted cell, so the file has
        // one record per node though it has more lines.
        assert_eq!(
            nodes,
            "Id,Label,Kind,Gemeente,StartedOn,Recurring,Lon,Lat,What\n\
             kookclub,\"'=HYPERLINK(\"\"http://x.nl\"\",\"\"Kookclub\"\")\",activity,GM0363,\
             2026-03-01,true,,,\"Samen koken, elke dinsdag.\nIedereen welkom\"\n\
             moskee,Moskee Al-Nour,local_network,GM0363,2026-01-05,false,4.9,52.37,\n\
             wijkteam,\"Wijkteam <Oost> & \"\"de Buurt\"\" 't Hof\u{1}\",institution,GM0363,\
             2026-01-05,false,,,\n"
        );
        assert!(!nodes.contains("\r\n"), "LF like the other exports");

        let links = links_csv(&g);
        let lines: Vec<_> = links.lines().collect();
        assert_eq!(lines.len(), 1 + g.links.len());
        assert_eq!(
            lines[0],
            "Id,Source,Target,Type,Kind,On,Capital,SourceLabel,TargetLabel"
        );
        assert_eq!(
            lines[1],
            "l-buren,kookclub,moskee,Directed,residents_networks,2026-02-10,,\
             \"'=HYPERLINK(\"\"http://x.nl\"\",\"\"Kookclub\"\")\",Moskee Al-Nour"
        );
        assert!(lines[2].starts_with("l-led,moskee,kookclub,Directed,led_to,2026-03-01,social,"));
    }

    #[test]
    fn an_activity_named_as_an_origin_is_one_led_to_edge_whether_or_not_also_linked() {
        let mut walk = node("wandel", NodeKind::Activity, "Wandelgroep");
        walk.started_on = day("2026-04-02");
        walk.grew_from = vec![Origin {
            id: "kookclub".into(),
            kind: SourceKind::Activity,
        }];
        let kook = node("kookclub", NodeKind::Activity, "Kookclub");
        let only_named = CommunityGraph {
            nodes: vec![kook, walk],
            links: Vec::new(),
        };
        let steps = sorted_links(&only_named);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].id, "grew_from:kookclub:wandel");
        assert_eq!(
            (steps[0].kind, steps[0].on),
            (LinkKind::LedTo, day("2026-04-02"))
        );
        let mut both = only_named.clone();
        both.links.push(link(
            "l-1",
            "kookclub",
            "wandel",
            LinkKind::LedTo,
            "2026-04-05",
        ));
        let steps = sorted_links(&both);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].id, "l-1");
        // Another relation between the two is no step and leaves the origin's edge in.
        let mut related = only_named.clone();
        related.links.push(link(
            "l-2",
            "kookclub",
            "wandel",
            LinkKind::Residents,
            "2026-04-05",
        ));
        assert_eq!(sorted_links(&related).len(), 2);
    }

    #[test]
    fn a_links_note_is_in_no_export() {
        let g = graph();
        assert!(g.links.iter().any(|l| l.note.as_deref() == Some(NOTE)));
        for (format, out) in [
            ("graphml", graphml(&g)),
            ("json", json(&g)),
            ("nodes_csv", nodes_csv(&g)),
            ("links_csv", links_csv(&g)),
        ] {
            assert!(!out.contains(NOTE), "{format} holds the note");
            assert!(!out.contains("Fatima"), "{format} holds the note");
            assert!(
                !out.to_lowercase().contains("note"),
                "{format} has a note field"
            );
        }
    }

    #[test]
    fn the_same_graph_exports_the_same_bytes_in_any_input_order() {
        let g = graph();
        let mut reversed = g.clone();
        reversed.nodes.reverse();
        reversed.links.reverse();
        assert_eq!(graphml(&g), graphml(&reversed));
        assert_eq!(json(&g), json(&reversed));
        assert_eq!(nodes_csv(&g), nodes_csv(&reversed));
        assert_eq!(links_csv(&g), links_csv(&reversed));
    }
}
