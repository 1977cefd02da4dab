//! Community dynamics (service side): recording activities, networks and links within a worker's
//! gemeenten, and what everyone may read of them: a gemeente's graph, an activity's ripple map, an
//! area's map, timeline and figures. Links' notes are staff-only (they can name people or homes):
//! they reach only staff of the link's gemeente, never the public, an export or a page for all.

use std::collections::{HashMap, HashSet};

use app::model::{
    ActivityInput, AreaDynamics, ChosenOrigin, CommunityGraph, CommunityNode, DynamicsDesk,
    DynamicsFigures, Kind, LinkInput, LinkKind, MapLine, MapNode, NetworkInput, NodeKind, Origin,
    Ripples, Rule, SourceKind, Violation,
};

use crate::domain::areas::{cbs_gemeente, cbs_level, Level};
use crate::domain::calendar::{add_days, today};
use crate::domain::content_hash::ContentHashes;
use crate::domain::report_map::draw;
use crate::domain::ripples;
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::{NewLink, NewNode, SessionUser, StoreError, Written};

/// How far ahead an activity's first day or a link's day may be (planned, not yet begun).
const MAX_DAYS_AHEAD: i64 = 366;

/// What a write by client-made id did, and the thing as stored.
pub struct Recorded<T> {
    pub written: Written,
    pub value: T,
}

impl Service {
    /// Records an activity in one of the worker's gemeenten. A resend of the same body is
    /// [`Written::Replayed`] even when an origin was deleted since; another body under the id is a
    /// conflict. Origins must be of the activity's gemeente.
    pub async fn record_activity(
        &self,
        input: &ActivityInput,
        who: &SessionUser,
    ) -> ServiceResult<Recorded<CommunityNode>> {
        let checked = input.check().map_err(ServiceError::Invalid)?;
        let gemeente = input.gemeente.trim();
        self.writable_gemeente(who, gemeente).await?;
        not_far_ahead("started_on", checked.started_on)?;
        let place = input
            .place
            .as_deref()
            .map(|p| p.trim().to_ascii_lowercase());
        let campaign = input.campaign.as_deref().map(str::trim);
        let mut grew_from = checked.grew_from.clone();
        grew_from.sort();
        let canonical = serde_json::to_string(&ActivityInput {
            id: input.id.clone(),
            name: input.name.trim().to_string(),
            what: input.what.trim().to_string(),
            gemeente: gemeente.to_string(),
            location: input.location,
            place: place.clone(),
            started_on: checked.started_on.to_string(),
            recurring: input.recurring,
            campaign: campaign.map(str::to_string),
            grew_from: grew_from.clone(),
        })
        .map_err(|e| ServiceError::Store(StoreError::Internal(e.to_string())))?;
        let hash = ContentHashes::of_canonical(&canonical).full;
        if let Some(w) = self.replayed(&input.id, NodeKind::Activity, &hash).await? {
            return self.recorded_node(w, &input.id).await;
        }
        let mut errs = Vec::new();
        if let Some(p) = &place {
            let found = self.store.find_origin(p).await?;
            if !found.is_some_and(|f| f.is_place && f.gemeenten.iter().any(|g| g == gemeente)) {
                errs.push(Violation::new("place", Rule::UnknownValue));
            }
        }
        if let Some(c) = campaign {
            let known = self.store.campaign(c).await?;
            if !known.is_some_and(|c| {
                c.gemeenten.is_empty() || c.gemeenten.iter().any(|g| g == gemeente)
            }) {
                errs.push(Violation::new("campaign", Rule::UnknownCampaign));
            }
        }
        let mut origins = Vec::new();
        for id in &grew_from {
            match self.store.find_origin(id).await? {
                // An event of several gemeenten counts for each; anything else must be this one's.
                Some(f) if f.gemeenten.iter().any(|g| g == gemeente) => origins.push(Origin {
                    id: id.clone(),
                    kind: f.kind,
                }),
                _ => {
                    errs.push(Violation::new("grew_from", Rule::UnknownValue));
                }
            }
        }
        if !errs.is_empty() {
            errs.dedup();
            return Err(ServiceError::Invalid(errs));
        }
        let written = self
            .store
            .insert_node(
                &NewNode {
                    id: &input.id,
                    kind: NodeKind::Activity,
                    name: input.name.trim(),
                    what: input.what.trim(),
                    gemeente,
                    location: input.location,
                    place: place.as_deref(),
                    started_on: checked.started_on,
                    recurring: input.recurring,
                    campaign,
                    origins: &origins,
                    content_hash: &hash,
                },
                who,
            )
            .await?;
        self.recorded_node(written, &input.id).await
    }

    /// Records a local network, an institution or a resident group in one of the worker's
    /// gemeenten (replays and conflicts as for activities).
    pub async fn record_network(
        &self,
        input: &NetworkInput,
        who: &SessionUser,
    ) -> ServiceResult<Recorded<CommunityNode>> {
        let kind = input.check().map_err(ServiceError::Invalid)?;
        let gemeente = input.gemeente.trim();
        self.writable_gemeente(who, gemeente).await?;
        let canonical = serde_json::to_string(&NetworkInput {
            id: input.id.clone(),
            name: input.name.trim().to_string(),
            kind: kind.as_str().to_string(),
            gemeente: gemeente.to_string(),
            location: input.location,
        })
        .map_err(|e| ServiceError::Store(StoreError::Internal(e.to_string())))?;
        let hash = ContentHashes::of_canonical(&canonical).full;
        let written = self
            .store
            .insert_node(
                &NewNode {
                    id: &input.id,
                    kind,
                    name: input.name.trim(),
                    what: "",
                    gemeente,
                    location: input.location,
                    place: None,
                    // A network's day is the day it was recorded: when it joined the graph.
                    started_on: today(),
                    recurring: false,
                    campaign: None,
                    origins: &[],
                    content_hash: &hash,
                },
                who,
            )
            .await?;
        self.recorded_node(written, &input.id).await
    }

    /// Records a link between two nodes of one gemeente the worker works for.
    pub async fn record_link(
        &self,
        input: &LinkInput,
        who: &SessionUser,
    ) -> ServiceResult<Recorded<app::model::CommunityLink>> {
        let checked = input.check().map_err(ServiceError::Invalid)?;
        let on = match checked.on {
            Some(day) => {
                not_far_ahead("on", day)?;
                day
            }
            None => today(),
        };
        let (from, to) = (input.from.trim(), input.to.trim());
        let canonical = serde_json::to_string(&LinkInput {
            id: input.id.clone(),
            from: from.to_string(),
            to: to.to_string(),
            kind: checked.kind.as_str().to_string(),
            // A link sent without a day gets today's: a resend tomorrow is still the same link.
            on: checked.on.map(|d| d.to_string()),
            note: checked.note.clone(),
            capital: checked.capital.map(|c| c.as_str().to_string()),
        })
        .map_err(|e| ServiceError::Store(StoreError::Internal(e.to_string())))?;
        let hash = ContentHashes::of_canonical(&canonical).full;
        let ends = (
            self.store.community_node(from).await?,
            self.store.community_node(to).await?,
        );
        let (Some(a), Some(b)) = ends else {
            let mut errs = Vec::new();
            if ends.0.is_none() {
                errs.push(Violation::new("from", Rule::UnknownValue));
            }
            if ends.1.is_none() {
                errs.push(Violation::new("to", Rule::UnknownValue));
            }
            return Err(ServiceError::Invalid(errs));
        };
        in_scope(who, &a.gemeente).map_err(|_| field("from", Rule::UnknownValue))?;
        if a.gemeente != b.gemeente || !who.scope().covers(Some(&b.gemeente)) {
            return Err(field("to", Rule::UnknownValue));
        }
        if !checked.kind.joins(a.kind, b.kind) {
            return Err(field("kind", Rule::UnknownValue));
        }
        if checked.kind != LinkKind::LedTo
            && self
                .store
                .tied_the_other_way(from, to, checked.kind)
                .await?
        {
            return Err(ServiceError::Conflict(
                "another link has this id, or these two are already tied by this relation",
            ));
        }
        let written = self
            .store
            .insert_link(
                &NewLink {
                    id: &input.id,
                    from,
                    to,
                    kind: checked.kind,
                    on,
                    note: checked.note.as_deref(),
                    capital: checked.capital,
                    gemeente: &a.gemeente,
                    content_hash: &hash,
                },
                who,
            )
            .await?;
        match written {
            Written::Conflict => {
                return Err(ServiceError::Conflict(
                    "another link has this id, or these two are already tied by this relation",
                ))
            }
            Written::EndGone => {
                return Err(ServiceError::Conflict(
                    "one of the link's ends was deleted meanwhile",
                ))
            }
            Written::Created | Written::Replayed => {}
        }
        let value = self
            .store
            .community_link(&input.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(Recorded { written, value })
    }

    /// Deletes an activity or network of one of the worker's gemeenten with everything tied to it
    /// (what a worker wrote that should not stand: a name, a point). `kind` says which the caller
    /// asked for: an activity's id is not deleted as a network's. `Ok(false)`: no such node for them.
    pub async fn delete_node(
        &self,
        id: &str,
        activity: bool,
        who: &SessionUser,
    ) -> ServiceResult<bool> {
        let Some(node) = self.store.community_node(id).await? else {
            return Ok(false);
        };
        if (node.kind == NodeKind::Activity) != activity
            || !who.scope().covers(Some(&node.gemeente))
        {
            return Ok(false);
        }
        Ok(self.store.delete_node(id, who).await?)
    }

    /// Deletes a link of one of the worker's gemeenten; `Ok(false)`: no such link for them.
    pub async fn delete_link(&self, id: &str, who: &SessionUser) -> ServiceResult<bool> {
        let Some(link) = self.store.community_link(id).await? else {
            return Ok(false);
        };
        if !who.scope().covers(Some(&link.gemeente)) {
            return Ok(false);
        }
        Ok(self.store.delete_link(id, who).await?)
    }

    /// `Some` when the id is taken: the same body (replayed) or another (a conflict error).
    async fn replayed(
        &self,
        id: &str,
        kind: NodeKind,
        hash: &str,
    ) -> ServiceResult<Option<Written>> {
        // Asking the store to insert nothing new would need the full row; a lookup is enough here,
        // and `insert_node` checks again inside its transaction.
        let Some(stored) = self.store.community_node_hash(id).await? else {
            return Ok(None);
        };
        Ok(Some(if stored.0 == kind.as_str() && stored.1 == hash {
            Written::Replayed
        } else {
            Written::Conflict
        }))
    }

    async fn recorded_node(
        &self,
        written: Written,
        id: &str,
    ) -> ServiceResult<Recorded<CommunityNode>> {
        match written {
            Written::Conflict => {
                return Err(ServiceError::Conflict(
                    "another activity or network has this id",
                ))
            }
            Written::EndGone => {
                return Err(ServiceError::Conflict(
                    "an origin or the place was deleted, hidden or merged meanwhile",
                ))
            }
            Written::Created | Written::Replayed => {}
        }
        let value = self
            .store
            .community_node(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(Recorded { written, value })
    }

    /// A gemeente's graph as `viewer` may read it: links' notes only for staff of the gemeente.
    pub async fn community_graph(
        &self,
        gemeente: &str,
        viewer: Option<&SessionUser>,
    ) -> Result<CommunityGraph, StoreError> {
        let mut graph = self.store.community_graph(gemeente).await?;
        if reads_notes(viewer, gemeente) {
            return Ok(graph);
        }
        for l in &mut graph.links {
            l.note = None;
        }
        // For everyone else an origin is what its entry shows them: a hidden entry is no origin,
        // and an unpublished talent is a wish (whether a resident offered one is theirs to publish).
        let entries: std::collections::HashMap<String, (bool, bool)> = self
            .store
            .origin_entries(gemeente)
            .await?
            .into_iter()
            .map(|(id, visible, talent)| (id, (visible, talent)))
            .collect();
        for node in &mut graph.nodes {
            node.grew_from.retain_mut(|o| match o.kind {
                SourceKind::Activity | SourceKind::Event => true,
                _ => match entries.get(&o.id) {
                    Some(&(true, talent_public)) => {
                        if o.kind == SourceKind::Talent && !talent_public {
                            o.kind = SourceKind::Wish;
                        }
                        true
                    }
                    _ => false,
                },
            });
            if node.place.is_some() && node.location.is_none() {
                // Its place was hidden: it is not named either.
                node.place = None;
            }
        }
        Ok(graph)
    }

    /// One activity's ripple map, or `None` for no such activity.
    pub async fn ripples(
        &self,
        id: &str,
        viewer: Option<&SessionUser>,
    ) -> Result<Option<Ripples>, StoreError> {
        let Some(node) = self.store.community_node(id).await? else {
            return Ok(None);
        };
        if node.kind != NodeKind::Activity {
            return Ok(None);
        }
        let graph = self.community_graph(&node.gemeente, viewer).await?;
        Ok(ripples::ripples(&graph, id))
    }

    /// The grew-from entries of an activity the public may follow to their own pages.
    pub async fn visible_origins(&self, node: &CommunityNode) -> Result<Vec<String>, StoreError> {
        let entries: Vec<String> = node
            .grew_from
            .iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    SourceKind::Wish | SourceKind::Talent | SourceKind::Entry
                )
            })
            .map(|o| o.id.clone())
            .collect();
        self.store.visible_entries(&entries).await
    }

    /// An area's dynamics: its activities, networks and links on its outline, the timeline and the
    /// figures; `None` for an unknown area.
    pub async fn area_dynamics(&self, code: &str) -> Result<Option<AreaDynamics>, StoreError> {
        let facts = self.facts().await?;
        let (Some(f), Some(level)) = (facts.get(code), cbs_level(code)) else {
            return Ok(None);
        };
        let Some(gemeente) = cbs_gemeente(code) else {
            return Ok(None);
        };
        let graph = self.community_graph(&gemeente, None).await?;
        let area = self.public_area(code);
        let in_area = |n: &CommunityNode| match level {
            Level::Gemeente => n.gemeente == code,
            _ => n.location.is_some_and(|l| area.holds(l.lon, l.lat)),
        };
        let figures = ripples::figures(&graph, &in_area);
        let timeline = ripples::timeline(&graph, &in_area);
        let members: Vec<&CommunityNode> = graph.nodes.iter().filter(|n| in_area(n)).collect();
        let member_ids: HashSet<&str> = members.iter().map(|n| n.id.as_str()).collect();
        // Every edge as the ripple maps draw it: the links, and `led_to` once per pair (a link or
        // an activity's growing from another).
        let led_to = ripples::led_to_edges(&graph);
        let edges: Vec<(&str, &str, LinkKind)> = graph
            .links
            .iter()
            .filter(|l| l.kind != LinkKind::LedTo)
            .map(|l| (l.from.as_str(), l.to.as_str(), l.kind))
            .chain(
                led_to
                    .iter()
                    .map(|(f, t)| (f.as_str(), t.as_str(), LinkKind::LedTo)),
            )
            .collect();
        // Linked nodes just outside the area are drawn too when they fall in the map's box (a
        // mosque over the border): the lines show where the area's ties reach.
        let linked: HashSet<&str> = edges
            .iter()
            .flat_map(|&(f, t, _)| {
                let f_in = member_ids.contains(f);
                let t_in = member_ids.contains(t);
                [(t_in && !f_in).then_some(f), (f_in && !t_in).then_some(t)]
            })
            .flatten()
            .collect();
        let drawn: Vec<&CommunityNode> = members
            .iter()
            .copied()
            .chain(
                graph
                    .nodes
                    .iter()
                    .filter(|n| linked.contains(n.id.as_str())),
            )
            .filter(|n| n.location.is_some())
            .collect();
        let points: Vec<(Kind, f64, f64)> = drawn
            .iter()
            .filter_map(|n| n.location.map(|l| (Kind::Place, l.lon, l.lat)))
            .collect();
        let map = draw(&area.shape(), &points);
        let (w, h) = (f64::from(map.width), f64::from(map.height));
        // `draw` keeps the points' order: the n-th dot is the n-th drawn node.
        let nodes: Vec<MapNode> = drawn
            .iter()
            .zip(&map.dots)
            .filter(|(_, d)| (0.0..=w).contains(&d.x) && (0.0..=h).contains(&d.y))
            .map(|(n, d)| MapNode {
                id: n.id.clone(),
                name: n.name.clone(),
                kind: n.kind,
                x: d.x,
                y: d.y,
            })
            .collect();
        let at: HashMap<&str, (f64, f64)> =
            nodes.iter().map(|n| (n.id.as_str(), (n.x, n.y))).collect();
        let lines = edges
            .iter()
            .filter_map(|&(from, to, kind)| {
                let (&(x1, y1), &(x2, y2)) = (at.get(from)?, at.get(to)?);
                Some(MapLine {
                    x1,
                    y1,
                    x2,
                    y2,
                    kind,
                })
            })
            .collect();
        let unplaced = members
            .iter()
            .filter(|n| n.location.is_none())
            .map(|n| (n.id.clone(), n.name.clone(), n.kind))
            .collect();
        Ok(Some(AreaDynamics {
            code: code.to_string(),
            name: f.name.clone().unwrap_or_else(|| code.to_string()),
            gemeente: gemeente.clone(),
            figures,
            width: map.width,
            height: map.height,
            outline: map.outline,
            nodes,
            lines,
            unplaced,
            timeline,
        }))
    }

    /// An area's dynamics figures alone (profile, dashboard, report); `None` for an unknown area.
    pub async fn dynamics_figures(
        &self,
        code: &str,
    ) -> Result<Option<DynamicsFigures>, StoreError> {
        let Some(level) = cbs_level(code) else {
            return Ok(None);
        };
        let Some(gemeente) = cbs_gemeente(code) else {
            return Ok(None);
        };
        // As the public reads it: hidden entries are no origin there either.
        let graph = self.community_graph(&gemeente, None).await?;
        // A gemeente that records no dynamics shows no table of zeros.
        if graph.nodes.is_empty() {
            return Ok(None);
        }
        let area = self.public_area(code);
        let in_area = |n: &CommunityNode| match level {
            Level::Gemeente => n.gemeente == code,
            _ => n.location.is_some_and(|l| area.holds(l.lon, l.lat)),
        };
        Ok(Some(ripples::figures(&graph, &in_area)))
    }
}

impl Service {
    /// The staff page of one gemeente's dynamics (`None`: choose one; a single gemeente is chosen).
    /// A gemeente outside the staff member's is refused.
    pub async fn dynamics_desk(
        &self,
        user: &SessionUser,
        gemeente: Option<String>,
        chosen: Vec<String>,
    ) -> ServiceResult<DynamicsDesk> {
        let (gemeenten, gemeente) = self.staff_gemeenten(user, gemeente).await?;
        let mut desk = DynamicsDesk {
            gemeenten,
            can_write: crate::domain::roles::WORKERS.allows(user.role),
            new_ids: [
                uuid::Uuid::new_v4().to_string(),
                uuid::Uuid::new_v4().to_string(),
                uuid::Uuid::new_v4().to_string(),
            ],
            today: today().to_string(),
            ..Default::default()
        };
        let Some(g) = gemeente else {
            return Ok(desk);
        };
        desk.graph = self.community_graph(&g, Some(user)).await?;
        desk.places = self.store.places_of(&g).await?;
        let mut ids: Vec<String> = chosen
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .collect();
        // A wish with a talent is listed twice on the talents page: ticked twice, it is one origin.
        ids.sort();
        ids.dedup();
        for id in ids.into_iter().take(app::model::MAX_GREW_FROM) {
            if let Some((kind, category, text, talent)) = self.store.chosen_entry(&id, &g).await? {
                let with_talent = talent.filter(|t| !t.trim().is_empty());
                desk.chosen.push(ChosenOrigin {
                    kind: crate::store::source_kind(&kind, with_talent.as_deref()),
                    id,
                    category,
                    text: with_talent.or(text),
                });
            }
        }
        desk.gemeente = Some(g);
        Ok(desk)
    }
}

/// Whether `viewer` reads links' notes in `gemeente`: staff who work there.
fn reads_notes(viewer: Option<&SessionUser>, gemeente: &str) -> bool {
    viewer.is_some_and(|v| v.scope().covers(Some(gemeente)))
}

fn field(name: &str, rule: Rule) -> ServiceError {
    ServiceError::Invalid(vec![Violation::new(name, rule)])
}

/// Workers write only in their own gemeenten.
fn in_scope(who: &SessionUser, gemeente: &str) -> ServiceResult<()> {
    if who.scope().covers(Some(gemeente)) {
        Ok(())
    } else {
        Err(field("gemeente", Rule::UnknownValue))
    }
}

impl Service {
    /// A gemeente the worker works for and whose areas are imported (an admin's scope is every
    /// code, so `GM9999` would otherwise be taken).
    async fn writable_gemeente(&self, who: &SessionUser, gemeente: &str) -> ServiceResult<()> {
        in_scope(who, gemeente)?;
        if self.facts().await?.contains_key(gemeente) {
            Ok(())
        } else {
            Err(field("gemeente", Rule::UnknownValue))
        }
    }
}

/// A day at most a year ahead: a later one is a typing error.
fn not_far_ahead(name: &str, day: app::model::Day) -> ServiceResult<()> {
    if add_days(today(), MAX_DAYS_AHEAD).is_none_or(|latest| day > latest) {
        return Err(field(name, Rule::UnknownValue));
    }
    Ok(())
}
