//! Community dynamics (ABCD): activities, the local networks and institutions around them, the links
//! between them, and the ripple map of what an activity set off. Workers and admins record them;
//! advisors read them; the public sees everything but the links' notes (a note can name a person or a
//! home). Residents stay anonymous: a resident group is "de buren van het plein", never a person, and
//! an activity names the entries it grew from by their ids only.

use serde::{Deserialize, Serialize};

use super::{is_gemeente_code, is_slug, Day, Location, Rule, Violation};

pub const MAX_NODE_NAME: usize = 120;
pub const MAX_ACTIVITY_WHAT: usize = 1000;
pub const MAX_LINK_NOTE: usize = 1000;
/// What an activity may name as its origins: a handful, not a list of every wish of a buurt.
pub const MAX_GREW_FROM: usize = 20;

/// What a node of the community's graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum NodeKind {
    Activity,
    /// Residents as a group ("buren van de Dapperstraat", "moeders van het schoolplein").
    ResidentGroup,
    /// A church or mosque, a sports club, a buurthuis, an informal help network.
    LocalNetwork,
    /// The wijkagent, a woningcorporatie, a huisarts, a school, the municipality.
    Institution,
}

impl NodeKind {
    pub const NETWORKS: [NodeKind; 3] = [
        NodeKind::ResidentGroup,
        NodeKind::LocalNetwork,
        NodeKind::Institution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Activity => "activity",
            NodeKind::ResidentGroup => "resident_group",
            NodeKind::LocalNetwork => "local_network",
            NodeKind::Institution => "institution",
        }
    }

    pub fn parse(s: &str) -> Option<NodeKind> {
        [NodeKind::Activity]
            .into_iter()
            .chain(NodeKind::NETWORKS)
            .find(|k| k.as_str() == s)
    }
}

/// The relation a link stands for: the three an opbouwwerker strengthens, or `led_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LinkKind {
    /// Between residents.
    Residents,
    /// Between residents and a local network.
    ResidentsNetworks,
    /// Between a local network and an institution or the municipality.
    NetworksInstitutions,
    /// A new activity or connection that came out of `from`: one ripple outward.
    LedTo,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Residents,
        LinkKind::ResidentsNetworks,
        LinkKind::NetworksInstitutions,
        LinkKind::LedTo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Residents => "residents",
            LinkKind::ResidentsNetworks => "residents_networks",
            LinkKind::NetworksInstitutions => "networks_institutions",
            LinkKind::LedTo => "led_to",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether this relation can tie a node of kind `from` to one of kind `to`. An activity stands
    /// for the residents who run it, and towards an institution for the local network it is:
    ///
    /// - `residents`: residents with residents (resident groups, activities);
    /// - `residents_networks`: residents (a resident group, an activity) with a local network;
    /// - `networks_institutions`: a local network (or an activity) with an institution;
    /// - `led_to`: what an activity set off (an activity or a connection to anything).
    pub fn joins(self, from: NodeKind, to: NodeKind) -> bool {
        use NodeKind::*;
        let residents = |k: NodeKind| matches!(k, Activity | ResidentGroup);
        let either = |a: &dyn Fn(NodeKind) -> bool, b: &dyn Fn(NodeKind) -> bool| {
            (a(from) && b(to)) || (b(from) && a(to))
        };
        match self {
            LinkKind::Residents => residents(from) && residents(to),
            LinkKind::ResidentsNetworks => either(&residents, &|k| k == LocalNetwork),
            LinkKind::NetworksInstitutions => {
                either(&|k| matches!(k, LocalNetwork | Activity), &|k| {
                    k == Institution
                })
            }
            LinkKind::LedTo => from == Activity,
        }
    }
}

/// The seven Community Capitals Ripple Effects Mapping codes effects by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Capital {
    Natural,
    Cultural,
    Human,
    Social,
    Political,
    Financial,
    Built,
}

impl Capital {
    pub const ALL: [Capital; 7] = [
        Capital::Natural,
        Capital::Cultural,
        Capital::Human,
        Capital::Social,
        Capital::Political,
        Capital::Financial,
        Capital::Built,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capital::Natural => "natural",
            Capital::Cultural => "cultural",
            Capital::Human => "human",
            Capital::Social => "social",
            Capital::Political => "political",
            Capital::Financial => "financial",
            Capital::Built => "built",
        }
    }

    pub fn parse(s: &str) -> Option<Capital> {
        Capital::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// `POST /api/v1/activities`: what a worker records. The id is made by the client, so a form sent
/// twice (a double tap, a resend after a lost answer) stores one activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::client_id))]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 120))]
    pub name: String,
    /// What happens there, in a few sentences (public).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 1000))]
    pub what: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_code))]
    pub gemeente: String,
    /// Where it happens, when it is not at a mapped place.
    #[serde(default)]
    pub location: Option<Location>,
    /// The mapped place (an entry of kind `place`) where it happens; its public position is the
    /// activity's.
    #[serde(default)]
    pub place: Option<String>,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::day))]
    pub started_on: String,
    #[serde(default)]
    pub recurring: bool,
    #[serde(default)]
    pub campaign: Option<String>,
    /// What it grew from: ids of residents' entries (wishes, the talents offered with them, places,
    /// barriers), of other activities (each becomes a `led_to` step) or of street events.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_items = 20))]
    pub grew_from: Vec<String>,
}

/// What [`ActivityInput::check`] found right: the day, and the sources without repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedActivity {
    pub started_on: Day,
    pub grew_from: Vec<String>,
}

impl ActivityInput {
    /// Names every wrong field. Whether the gemeente is the worker's and the place and sources exist
    /// is the server's to check.
    pub fn check(&self) -> Result<CheckedActivity, Vec<Violation>> {
        let mut errs = Vec::new();
        check_id(&self.id, &mut errs);
        check_name(&self.name, &mut errs);
        if self.what.chars().count() > MAX_ACTIVITY_WHAT {
            errs.push(Violation::new(
                "what",
                Rule::TooLong {
                    max: MAX_ACTIVITY_WHAT,
                },
            ));
        }
        check_gemeente(&self.gemeente, &mut errs);
        if let Some(l) = self.location {
            if !in_netherlands(l) {
                errs.push(Violation::new("location", Rule::OutsideNetherlands));
            }
        }
        if self.location.is_some() && self.place.is_some() {
            // One "where": a place carries its own position.
            errs.push(Violation::new("place", Rule::UnknownField));
        }
        if self
            .place
            .as_deref()
            .is_some_and(|p| !super::is_uuid(p.trim()))
        {
            errs.push(Violation::new("place", Rule::NotUuid));
        }
        if self.campaign.as_deref().is_some_and(|c| !is_slug(c.trim())) {
            errs.push(Violation::new("campaign", Rule::UnknownCampaign));
        }
        let day = Day::parse(self.started_on.trim());
        if day.is_none() {
            errs.push(Violation::new("started_on", Rule::UnknownValue));
        }
        let mut grew_from: Vec<String> = Vec::new();
        for g in &self.grew_from {
            let g = g.trim().to_ascii_lowercase();
            if !is_slug(&g) {
                errs.push(Violation::new("grew_from", Rule::UnknownValue));
            } else if g == self.id.trim() {
                // An activity does not grow from itself.
                errs.push(Violation::new("grew_from", Rule::UnknownValue));
            } else if !grew_from.contains(&g) {
                grew_from.push(g);
            }
        }
        if grew_from.len() > MAX_GREW_FROM {
            errs.push(Violation::new(
                "grew_from",
                Rule::OutOfRange {
                    min: 0,
                    max: MAX_GREW_FROM as i64,
                },
            ));
        }
        errs.dedup();
        match day {
            Some(started_on) if errs.is_empty() => Ok(CheckedActivity {
                started_on,
                grew_from,
            }),
            _ => Err(errs),
        }
    }
}

/// `POST /api/v1/networks`: a local network, an institution or a resident group, per gemeente.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NetworkInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::client_id))]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 120))]
    pub name: String,
    /// `resident_group`, `local_network` or `institution`.
    #[cfg_attr(feature = "ssr", schema(value_type = NodeKind))]
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_code))]
    pub gemeente: String,
    /// Where it is (a mosque's building, the wijkagent's post): draws its links on the area's map.
    /// A resident group has none (it would point at homes).
    #[serde(default)]
    pub location: Option<Location>,
}

impl NetworkInput {
    pub fn check(&self) -> Result<NodeKind, Vec<Violation>> {
        let mut errs = Vec::new();
        check_id(&self.id, &mut errs);
        check_name(&self.name, &mut errs);
        check_gemeente(&self.gemeente, &mut errs);
        let kind = NodeKind::parse(self.kind.trim()).filter(|k| *k != NodeKind::Activity);
        if kind.is_none() {
            errs.push(Violation::new("kind", Rule::UnknownValue));
        }
        match self.location {
            Some(_) if kind == Some(NodeKind::ResidentGroup) => {
                errs.push(Violation::new("location", Rule::UnknownField));
            }
            Some(l) if !in_netherlands(l) => {
                errs.push(Violation::new("location", Rule::OutsideNetherlands));
            }
            _ => {}
        }
        match kind {
            Some(k) if errs.is_empty() => Ok(k),
            _ => Err(errs),
        }
    }
}

/// `POST /api/v1/links`: a relation between two nodes (activities, networks, institutions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::client_id))]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::client_id))]
    pub from: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::client_id))]
    pub to: String,
    #[cfg_attr(feature = "ssr", schema(value_type = LinkKind))]
    pub kind: String,
    /// The day it began, `YYYY-MM-DD`; the day it was recorded when missing.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::optional_day))]
    pub on: Option<String>,
    /// Staff only: never shown to the public or exported.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 1000))]
    pub note: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Capital>))]
    pub capital: Option<String>,
}

/// What [`LinkInput::check`] parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedLink {
    pub kind: LinkKind,
    pub on: Option<Day>,
    pub note: Option<String>,
    pub capital: Option<Capital>,
}

impl LinkInput {
    pub fn check(&self) -> Result<CheckedLink, Vec<Violation>> {
        let mut errs = Vec::new();
        check_id(&self.id, &mut errs);
        for (field, v) in [("from", &self.from), ("to", &self.to)] {
            if !is_slug(v.trim()) {
                errs.push(Violation::new(field, Rule::UnknownValue));
            }
        }
        if self.from.trim() == self.to.trim() {
            errs.push(Violation::new("to", Rule::Duplicate));
        }
        let kind = LinkKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(Violation::new("kind", Rule::UnknownValue));
        }
        let on = match self.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let d = Day::parse(s);
                if d.is_none() {
                    errs.push(Violation::new("on", Rule::UnknownValue));
                }
                d
            }
        };
        let note = one_line(self.note.as_deref().unwrap_or(""));
        if note.chars().count() > MAX_LINK_NOTE {
            errs.push(Violation::new("note", Rule::TooLong { max: MAX_LINK_NOTE }));
        }
        let capital = match self
            .capital
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => {
                let c = Capital::parse(s);
                if c.is_none() {
                    errs.push(Violation::new("capital", Rule::UnknownValue));
                }
                c
            }
        };
        match kind {
            Some(kind) if errs.is_empty() => Ok(CheckedLink {
                kind,
                on,
                note: (!note.is_empty()).then_some(note),
                capital,
            }),
            _ => Err(errs),
        }
    }
}

/// A note as stored: one line, single spaces (a browser's one-line field sends it so).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_id(id: &str, errs: &mut Vec<Violation>) {
    if !is_slug(id) {
        errs.push(Violation::new("id", Rule::UnknownValue));
    }
}

fn check_name(name: &str, errs: &mut Vec<Violation>) {
    if name.trim().is_empty() {
        errs.push(Violation::new("name", Rule::Required));
    } else if name.chars().count() > MAX_NODE_NAME {
        errs.push(Violation::new("name", Rule::TooLong { max: MAX_NODE_NAME }));
    }
}

fn check_gemeente(code: &str, errs: &mut Vec<Violation>) {
    if !is_gemeente_code(code.trim()) {
        errs.push(Violation::new("gemeente", Rule::UnknownValue));
    }
}

fn in_netherlands(l: Location) -> bool {
    (3.2..=7.3).contains(&l.lon) && (50.7..=53.6).contains(&l.lat)
}

/// What an activity grew from, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SourceKind {
    /// A resident's wish.
    Wish,
    /// A resident's wish that offered a talent (counted as a talent: the ABCD start).
    Talent,
    /// A mapped place or a barrier.
    Entry,
    Activity,
    Event,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Wish => "wish",
            SourceKind::Talent => "talent",
            SourceKind::Entry => "entry",
            SourceKind::Activity => "activity",
            SourceKind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        [
            SourceKind::Wish,
            SourceKind::Talent,
            SourceKind::Entry,
            SourceKind::Activity,
            SourceKind::Event,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether it is a resident's wish or talent (the figure "grew from residents").
    pub fn from_residents(self) -> bool {
        matches!(self, SourceKind::Wish | SourceKind::Talent)
    }
}

/// One origin of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Origin {
    pub id: String,
    pub kind: SourceKind,
}

/// A stored node: an activity, a network, an institution or a resident group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityNode {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    /// An activity's description (empty for networks).
    pub what: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_code))]
    pub gemeente: String,
    /// Where it is: an activity's point or its place's public position, a network's building.
    pub location: Option<Location>,
    /// The mapped place an activity happens at.
    pub place: Option<String>,
    /// An activity's first day; a network's day of recording.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub started_on: Day,
    pub recurring: bool,
    pub campaign: Option<String>,
    pub grew_from: Vec<Origin>,
}

/// A stored link. `note` is `None` for everyone but staff of its gemeente.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityLink {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub on: Day,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub capital: Option<Capital>,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_code))]
    pub gemeente: String,
}

/// One gemeente's graph (or an area's part of it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityGraph {
    pub nodes: Vec<CommunityNode>,
    pub links: Vec<CommunityLink>,
}

/// A node of a ripple map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RippleNode {
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    /// `led_to` steps from the activity at the centre (0: the centre and what is tied to it).
    pub order: u32,
    /// The node it hangs from in the drawing (`None` for the centre).
    pub parent: Option<String>,
    /// Position in the drawing (SVG units, centre at the middle of a `size`-wide square).
    pub x: f64,
    pub y: f64,
}

/// A link of a ripple map. `note` only for staff of its gemeente.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RippleLink {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    pub capital: Option<Capital>,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub on: Day,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `GET /api/v1/activities/{id}/ripples`: what one activity set off, laid out radially.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ripples {
    pub centre: CommunityNode,
    pub nodes: Vec<RippleNode>,
    pub links: Vec<RippleLink>,
    /// Width and height of the square drawing.
    pub size: f64,
    /// Radius of each ring of the drawing, from the centre outward.
    pub rings: Vec<f64>,
    /// Nodes left out because the map holds at most [`MAX_RIPPLE_NODES`].
    pub left_out: u32,
}

/// The most nodes a ripple map draws (a map larger than this is unreadable on paper).
pub const MAX_RIPPLE_NODES: usize = 120;

/// Dynamics figures of one area.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DynamicsFigures {
    /// Activities started in the area.
    pub activities: u64,
    /// Of those, how many grew from residents' wishes or talents.
    pub from_residents: u64,
    /// New connections per kind of relation (`residents`, `residents_networks`,
    /// `networks_institutions`, `led_to`).
    pub connections: Vec<(LinkKind, u64)>,
    /// Activities and connections two or more `led_to` steps from an activity nothing led to.
    pub second_order: u64,
}

/// One month of the area's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Activities started that month (id, name).
    pub activities: Vec<(String, String)>,
    /// Connections made that month: (from name, to name, kind).
    pub connections: Vec<(String, String, LinkKind)>,
}

/// A line on the area's map: a link between two nodes that both have a position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapLine {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub kind: LinkKind,
}

/// A node on the area's map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapNode {
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    pub x: f64,
    pub y: f64,
}

/// `/inzicht/gebied/{code}/dynamiek`: the area's activities and links on its map, the timeline and
/// the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaDynamics {
    pub code: String,
    pub name: String,
    /// The gemeente it lies in (its graph and exports).
    pub gemeente: String,
    pub figures: DynamicsFigures,
    /// The area's outline and what is placed on it (SVG units of a `width` × `height` box).
    pub width: u32,
    pub height: u32,
    pub outline: String,
    pub nodes: Vec<MapNode>,
    pub lines: Vec<MapLine>,
    /// Nodes of the area without a position (listed under the map).
    pub unplaced: Vec<(String, String, NodeKind)>,
    pub timeline: Vec<TimelineMonth>,
}

/// `/activiteit/{id}`: an activity's public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub ripples: Ripples,
    /// The entries it grew from that the public may open (visible ones).
    pub visible_origins: Vec<String>,
}

/// `/staff/activiteiten`: one gemeente's dynamics for its workers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DynamicsDesk {
    /// The gemeenten this staff member may choose (code, name).
    pub gemeenten: Vec<(String, String)>,
    pub gemeente: Option<String>,
    /// The gemeente's graph, with links' notes.
    pub graph: CommunityGraph,
    /// Entries chosen on the talents page (`?uit=`) to start an activity from, with what they are
    /// and their words as staff read them.
    pub chosen: Vec<ChosenOrigin>,
    /// The gemeente's visible mapped places (id, name or category), for an activity's "where".
    pub places: Vec<(String, String)>,
    /// Workers and admins record; advisors read.
    pub can_write: bool,
    /// Fresh ids for the page's three forms (activity, network, link), so a double submit stores one.
    pub new_ids: [String; 3],
    /// The day the forms start from (today in the Netherlands).
    pub today: String,
}

/// An entry chosen to start an activity from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChosenOrigin {
    pub id: String,
    pub kind: SourceKind,
    pub category: String,
    pub text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity() -> ActivityInput {
        ActivityInput {
            id: "kookclub-oost".into(),
            name: "Kookclub".into(),
            gemeente: "GM0363".into(),
            started_on: "2026-03-01".into(),
            grew_from: vec!["5f0c6a43-2f8e-4d5e-9b7a-0c1d2e3f4a5b".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_activity_passes_and_repeats_fold() {
        let mut a = activity();
        a.grew_from.push(a.grew_from[0].to_uppercase());
        let c = a.check().expect("valid");
        assert_eq!(c.grew_from.len(), 1);
        assert_eq!(c.started_on.to_string(), "2026-03-01");
    }

    #[test]
    fn every_wrong_field_is_named() {
        let a = ActivityInput {
            id: "Kookclub Oost".into(),
            name: " ".into(),
            gemeente: "0363".into(),
            started_on: "2026-02-30".into(),
            location: Some(Location { lon: 0.0, lat: 0.0 }),
            grew_from: vec!["kookclub-oost".into(), "<script>".into()],
            ..Default::default()
        };
        let fields: Vec<_> = a
            .check()
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        for f in [
            "id",
            "name",
            "gemeente",
            "started_on",
            "location",
            "grew_from",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn an_activity_does_not_grow_from_itself() {
        let mut a = activity();
        a.grew_from = vec![a.id.clone()];
        assert!(a.check().is_err());
    }

    #[test]
    fn a_network_is_not_an_activity_and_a_resident_group_has_no_position() {
        let n = NetworkInput {
            id: "moskee".into(),
            name: "Moskee".into(),
            kind: "activity".into(),
            gemeente: "GM0363".into(),
            location: None,
        };
        assert!(n.check().is_err());
        let g = NetworkInput {
            kind: "resident_group".into(),
            location: Some(Location {
                lon: 4.9,
                lat: 52.37,
            }),
            ..n.clone()
        };
        assert_eq!(g.check().unwrap_err()[0].field, "location");
        let ok = NetworkInput {
            kind: "local_network".into(),
            ..n
        };
        assert_eq!(ok.check(), Ok(NodeKind::LocalNetwork));
    }

    #[test]
    fn a_link_needs_two_ends_a_kind_and_a_real_day() {
        let l = LinkInput {
            id: "l1".into(),
            from: "a".into(),
            to: "a".into(),
            kind: "friends".into(),
            on: Some("2026-13-01".into()),
            note: Some("x".repeat(MAX_LINK_NOTE + 1)),
            capital: Some("money".into()),
        };
        let fields: Vec<_> = l
            .check()
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["to", "kind", "on", "note", "capital"]);
        let ok = LinkInput {
            to: "b".into(),
            kind: "led_to".into(),
            on: None,
            note: Some("  met\nde imam  ".into()),
            capital: Some("social".into()),
            ..l
        };
        let c = ok.check().unwrap();
        assert_eq!(c.kind, LinkKind::LedTo);
        assert_eq!(c.note.as_deref(), Some("met de imam"));
        assert_eq!(c.capital, Some(Capital::Social));
    }

    #[test]
    fn a_relation_ties_the_kinds_it_names() {
        use NodeKind::*;
        assert!(LinkKind::ResidentsNetworks.joins(Activity, LocalNetwork));
        assert!(LinkKind::ResidentsNetworks.joins(LocalNetwork, ResidentGroup));
        assert!(!LinkKind::ResidentsNetworks.joins(Institution, ResidentGroup));
        assert!(LinkKind::NetworksInstitutions.joins(Activity, Institution));
        assert!(LinkKind::NetworksInstitutions.joins(Institution, LocalNetwork));
        assert!(!LinkKind::NetworksInstitutions.joins(Institution, Institution));
        assert!(LinkKind::Residents.joins(ResidentGroup, Activity));
        assert!(!LinkKind::Residents.joins(ResidentGroup, LocalNetwork));
        assert!(LinkKind::LedTo.joins(Activity, Institution));
        assert!(
            !LinkKind::LedTo.joins(LocalNetwork, Activity),
            "an activity sets things off"
        );
    }

    #[test]
    fn names_round_trip() {
        for k in LinkKind::ALL {
            assert_eq!(LinkKind::parse(k.as_str()), Some(k));
        }
        for c in Capital::ALL {
            assert_eq!(Capital::parse(c.as_str()), Some(c));
        }
        for k in NodeKind::NETWORKS {
            assert_eq!(NodeKind::parse(k.as_str()), Some(k));
        }
    }
}
