//! Community dynamics: the nodes (activities, networks, institutions, resident groups), what
//! activities grew from, and the links between nodes. Writes are idempotent by client-made id: the
//! row keeps a hash of the request's canonical form, so a resend is told apart from another body.

use app::model::{
    Capital, CommunityGraph, CommunityLink, CommunityNode, Day, LinkKind, Location, NodeKind,
    Origin, SourceKind,
};
use sqlx::Row;

use super::db::{Store, NOW};
use super::dialect::float_slots;
use super::staff::SessionUser;
use super::tx::WriteTx;
use super::StoreError;

/// A node as it is written.
pub struct NewNode<'a> {
    pub id: &'a str,
    pub kind: NodeKind,
    pub name: &'a str,
    pub what: &'a str,
    pub gemeente: &'a str,
    pub location: Option<Location>,
    pub place: Option<&'a str>,
    pub started_on: Day,
    pub recurring: bool,
    pub campaign: Option<&'a str>,
    pub origins: &'a [Origin],
    pub content_hash: &'a str,
}

/// A link as it is written.
pub struct NewLink<'a> {
    pub id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub kind: LinkKind,
    pub on: Day,
    pub note: Option<&'a str>,
    pub capital: Option<Capital>,
    pub gemeente: &'a str,
    pub content_hash: &'a str,
}

/// What became of a write by client-made id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    /// The same id with the same body: nothing changed.
    Replayed,
    /// The same id with another body (or naming another kind of thing): nothing changed.
    Conflict,
    /// A link's end is no longer the node the caller looked up (deleted, or recorded anew in
    /// another gemeente or as another kind), or a node's origin or place went (deleted, hidden,
    /// merged away): nothing changed.
    EndGone,
}

/// What a client-made id in `grew_from` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundOrigin {
    pub kind: SourceKind,
    /// The gemeenten it belongs to (an event's are several; an entry outside every area has none).
    pub gemeenten: Vec<String>,
    /// A visible entry of kind `place` (may be an activity's place).
    pub is_place: bool,
}

const NODE_COLUMNS: &str = "n.id, n.kind, n.name, n.what, n.gemeente, \
     COALESCE(n.lon, p.pub_lon) AS lon, COALESCE(n.lat, p.pub_lat) AS lat, n.place, n.started_on, \
     n.recurring, n.campaign";
/// A place's position counts only while the place is a visible, mapped place.
const NODE_FROM: &str = "community_nodes n LEFT JOIN submissions p \
     ON p.id = n.place AND p.kind = 'place' AND p.hidden = 0";

impl Store {
    /// Writes a node with its origins and an audit row in one transaction, unless its id is taken
    /// ([`Written::Replayed`] or [`Written::Conflict`]) or an origin or its place went meanwhile
    /// ([`Written::EndGone`]).
    pub async fn insert_node(
        &self,
        node: &NewNode<'_>,
        who: &SessionUser,
    ) -> Result<Written, StoreError> {
        let mut tx = self.write_tx().await?;
        // ON CONFLICT: two sends of one form at once (PostgreSQL runs them side by side) store one
        // row, and the second is told apart by what is stored, never by a key violation.
        let statement = format!(
            "INSERT INTO community_nodes (id, kind, name, what, gemeente, place, started_on, \
             recurring, campaign, content_hash, created_by, lon, lat, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {position}, {NOW}) ON CONFLICT (id) DO NOTHING",
            position = float_slots(node.location.is_some(), 2),
        );
        let sql = self.backend.sql(&statement);
        let mut insert = sqlx::query(&sql)
            .bind(node.id)
            .bind(node.kind.as_str())
            .bind(node.name)
            .bind(node.what)
            .bind(node.gemeente)
            .bind(node.place)
            .bind(node.started_on.to_string())
            .bind(i64::from(node.recurring))
            .bind(node.campaign)
            .bind(node.content_hash)
            .bind(who.user_id);
        if let Some(l) = node.location {
            insert = insert.bind(l.lon).bind(l.lat);
        }
        let inserted = insert.execute(&mut *tx).await?.rows_affected();
        if inserted == 0 {
            return self
                .written_before(
                    &mut tx,
                    "community_nodes",
                    node.id,
                    node.kind.as_str(),
                    node.content_hash,
                )
                .await;
        }
        if !self.origins_stand(&mut tx, node).await? {
            return Ok(Written::EndGone);
        }
        for o in node.origins {
            sqlx::query(
                &self
                    .backend
                    .sql("INSERT INTO activity_origins (activity, origin, kind) VALUES (?, ?, ?)"),
            )
            .bind(node.id)
            .bind(&o.id)
            .bind(o.kind.as_str())
            .execute(&mut *tx)
            .await?;
        }
        self.audit_in(
            &mut tx,
            who,
            &format!("record {}", node.kind.as_str()),
            &format!("{} ({})", node.id, node.gemeente),
        )
        .await?;
        tx.commit().await?;
        Ok(Written::Created)
    }

    /// Writes a link and its audit row in one transaction, unless its id is taken or its two ends
    /// are already tied by its relation (then [`Written::Conflict`]), or an end is no longer what
    /// the caller checked ([`Written::EndGone`]).
    pub async fn insert_link(
        &self,
        link: &NewLink<'_>,
        who: &SessionUser,
    ) -> Result<Written, StoreError> {
        let mut tx = self.write_tx().await?;
        // The ends again, locked until the link is in (in id order, so two writers never wait on
        // each other in a circle): a node deleted since the caller looked it up, or recorded anew
        // under its id elsewhere or as another kind, must not end up at the end of this link. A
        // deletion takes the node's row first, so either it waits for this link (and takes it
        // along) or this finds the node gone.
        let ends: Vec<(String, String)> = sqlx::query_as(&self.backend.sql(&format!(
            "SELECT id, kind FROM community_nodes WHERE (id = ? OR id = ?) AND gemeente = ? \
             ORDER BY id{}",
            self.backend.lock_rows()
        )))
        .bind(link.from)
        .bind(link.to)
        .bind(link.gemeente)
        .fetch_all(&mut *tx)
        .await?;
        let kind_of = |end: &str| {
            ends.iter()
                .find(|(id, _)| id == end)
                .and_then(|(_, kind)| NodeKind::parse(kind))
        };
        match (kind_of(link.from), kind_of(link.to)) {
            (Some(from), Some(to)) if link.kind.joins(from, to) => {}
            _ => return Ok(Written::EndGone),
        }
        let inserted = sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO community_links (id, from_node, to_node, kind, on_day, note, capital, gemeente, \
             content_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {NOW}) \
             ON CONFLICT DO NOTHING"
        )))
        .bind(link.id)
        .bind(link.from)
        .bind(link.to)
        .bind(link.kind.as_str())
        .bind(link.on.to_string())
        .bind(link.note)
        .bind(link.capital.map(Capital::as_str))
        .bind(link.gemeente)
        .bind(link.content_hash)
        .bind(who.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return self
                .written_before(
                    &mut tx,
                    "community_links",
                    link.id,
                    link.kind.as_str(),
                    link.content_hash,
                )
                .await;
        }
        self.audit_in(
            &mut tx,
            who,
            "record link",
            &format!(
                "{} ({} {} {})",
                link.id,
                link.from,
                link.kind.as_str(),
                link.to
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Written::Created)
    }

    /// Deletes a node, the links that touch it, its origins and its place among other activities'
    /// origins, with an audit row, in one transaction; `false` when there is no such node.
    pub async fn delete_node(&self, id: &str, who: &SessionUser) -> Result<bool, StoreError> {
        // The node's row goes first: a link being written to it either waits for this and is taken
        // along, or finds the node gone (`insert_link`).
        self.delete_audited(
            "community_nodes",
            &[
                "DELETE FROM community_links WHERE from_node = ?1 OR to_node = ?1",
                "DELETE FROM activity_origins WHERE activity = ?1 OR (origin = ?1 AND kind = 'activity')",
            ],
            id,
            who,
            "delete node",
        )
        .await
    }

    /// Deletes a link with an audit row; `false` when there is no such link.
    pub async fn delete_link(&self, id: &str, who: &SessionUser) -> Result<bool, StoreError> {
        self.delete_audited("community_links", &[], id, who, "delete link")
            .await
    }

    /// Deletes the row `id` of `table`, then what `then` deletes (statements taking the id as
    /// `?1`), with an audit row, in one transaction; `false` when there is no such row.
    async fn delete_audited(
        &self,
        table: &'static str,
        then: &[&str],
        id: &str,
        who: &SessionUser,
        action: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let gone = sqlx::query(
            &self
                .backend
                .sql(&format!("DELETE FROM {table} WHERE id = ?")),
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if gone == 0 {
            return Ok(false);
        }
        for sql in then {
            sqlx::query(&self.backend.sql(sql))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        self.audit_in(&mut tx, who, action, id).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether a new node's origins and place are still what the caller checked, read again under
    /// lock (entries first, each table in id order): an entry deleted, hidden or merged away, or an
    /// activity deleted, since the lookup must not become an origin (or the place) after all.
    /// Events are kept for good and need no second look.
    async fn origins_stand(
        &self,
        tx: &mut WriteTx,
        node: &NewNode<'_>,
    ) -> Result<bool, StoreError> {
        let mut entries: Vec<&str> = node
            .origins
            .iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    SourceKind::Wish | SourceKind::Talent | SourceKind::Entry
                )
            })
            .map(|o| o.id.as_str())
            .chain(node.place)
            .collect();
        entries.sort_unstable();
        entries.dedup();
        let mut activities: Vec<&str> = node
            .origins
            .iter()
            .filter(|o| o.kind == SourceKind::Activity)
            .map(|o| o.id.as_str())
            .collect();
        activities.sort_unstable();
        // Shared: a deletion, hiding or merge of a row waits; rows that refer to it do not.
        let lock = self.backend.share_rows();
        let entry = self
            .backend
            .sql(&format!(
                "SELECT id FROM submissions WHERE id = ? AND hidden = 0{lock}"
            ))
            .into_owned();
        let activity = self.backend.sql(&format!(
            "SELECT id FROM community_nodes WHERE id = ? AND kind = 'activity' AND gemeente = ?{lock}"
        )).into_owned();
        for id in entries {
            let found: Option<String> = sqlx::query_scalar(&entry)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_none() {
                return Ok(false);
            }
        }
        for id in activities {
            let found: Option<String> = sqlx::query_scalar(&activity)
                .bind(id)
                .bind(node.gemeente)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// What an insert that found its id taken in `table` (`community_nodes` or `community_links`)
    /// met: the same write again, or another under the id.
    async fn written_before(
        &self,
        tx: &mut WriteTx,
        table: &'static str,
        id: &str,
        kind: &str,
        hash: &str,
    ) -> Result<Written, StoreError> {
        let stored: Option<(String, String)> = sqlx::query_as(&self.backend.sql(&format!(
            "SELECT kind, content_hash FROM {table} WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(match stored {
            Some((k, h)) if k == kind && h == hash => Written::Replayed,
            _ => Written::Conflict,
        })
    }

    /// One node, with its origins.
    pub async fn community_node(&self, id: &str) -> Result<Option<CommunityNode>, StoreError> {
        let row = sqlx::query(&self.backend.sql(&format!(
            "SELECT {NODE_COLUMNS} FROM {NODE_FROM} WHERE n.id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut node = node_of(&row)?;
        node.grew_from = self
            .origins_of(&[id.to_string()])
            .await?
            .into_iter()
            .map(|(_, o)| o)
            .collect();
        Ok(Some(node))
    }

    /// The kind and content hash a node id is stored with, if it is taken.
    pub async fn community_node_hash(
        &self,
        id: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            &self
                .backend
                .sql("SELECT kind, content_hash FROM community_nodes WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Whether `a` and `b` are tied by `kind` in the other direction (the relations other than
    /// `led_to` have none: a second link from `b` to `a` would be the same tie).
    pub async fn tied_the_other_way(
        &self,
        a: &str,
        b: &str,
        kind: LinkKind,
    ) -> Result<bool, StoreError> {
        let found: Option<String> = sqlx::query_scalar(&self.backend.sql(
            "SELECT id FROM community_links WHERE from_node = ? AND to_node = ? AND kind = ?",
        ))
        .bind(b)
        .bind(a)
        .bind(kind.as_str())
        .fetch_optional(&self.reader)
        .await?;
        Ok(found.is_some())
    }

    /// One link, as stored (with its note).
    pub async fn community_link(&self, id: &str) -> Result<Option<CommunityLink>, StoreError> {
        let row = sqlx::query(&self.backend.sql(
            "SELECT id, from_node, to_node, kind, on_day, note, capital, gemeente \
             FROM community_links WHERE id = ?",
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(link_of).transpose()
    }

    /// Every node and link of `gemeente` (links with their notes: the caller decides who reads them).
    pub async fn community_graph(&self, gemeente: &str) -> Result<CommunityGraph, StoreError> {
        let rows = sqlx::query(&self.backend.sql(&format!(
            "SELECT {NODE_COLUMNS} FROM {NODE_FROM} WHERE n.gemeente = ? ORDER BY n.started_on, n.id"
        )))
        .bind(gemeente)
        .fetch_all(&self.reader)
        .await?;
        let mut nodes = rows.iter().map(node_of).collect::<Result<Vec<_>, _>>()?;
        let origins = self.origins_in(gemeente).await?;
        let mut by_activity: std::collections::HashMap<String, Vec<Origin>> =
            std::collections::HashMap::new();
        for (activity, origin) in origins {
            by_activity.entry(activity).or_default().push(origin);
        }
        for node in &mut nodes {
            node.grew_from = by_activity.remove(&node.id).unwrap_or_default();
        }
        let links = sqlx::query(&self.backend.sql(
            "SELECT id, from_node, to_node, kind, on_day, note, capital, gemeente \
             FROM community_links WHERE gemeente = ? ORDER BY on_day, id",
        ))
        .bind(gemeente)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(link_of)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(CommunityGraph { nodes, links })
    }

    /// The activities of `gemeente` that grew from anything, with their origins.
    async fn origins_in(&self, gemeente: &str) -> Result<Vec<(String, Origin)>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(&self.backend.sql(
            "SELECT o.activity, o.origin, o.kind FROM activity_origins o \
             JOIN community_nodes n ON n.id = o.activity WHERE n.gemeente = ? ORDER BY o.activity, o.origin",
        ))
        .bind(gemeente)
        .fetch_all(&self.reader)
        .await?;
        origin_rows(rows)
    }

    async fn origins_of(&self, ids: &[String]) -> Result<Vec<(String, Origin)>, StoreError> {
        let mut all = Vec::new();
        for id in ids {
            let rows: Vec<(String, String, String)> = sqlx::query_as(&self.backend.sql(
                "SELECT activity, origin, kind FROM activity_origins WHERE activity = ? ORDER BY origin",
            ))
            .bind(id)
            .fetch_all(&self.reader)
            .await?;
            all.extend(origin_rows(rows)?);
        }
        Ok(all)
    }

    /// What a `grew_from` id is: a resident's entry (a wish that offered a talent counts as a
    /// talent), an activity, or a street event; `None` when it is none of them (or was deleted).
    pub async fn find_origin(&self, id: &str) -> Result<Option<FoundOrigin>, StoreError> {
        // Nodes first: an entry id is the resident's device's choice, so one could copy an
        // activity's public id; it must not stand in for the activity.
        let node: Option<(String, String)> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT kind, gemeente FROM community_nodes WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        if let Some((kind, gemeente)) = node {
            return Ok((kind == NodeKind::Activity.as_str()).then(|| FoundOrigin {
                kind: SourceKind::Activity,
                gemeenten: vec![gemeente],
                is_place: false,
            }));
        }
        let talent = self.backend.json_text("details", "talent");
        // Hidden entries are no origin: what a moderator took from view is not built on.
        let entry: Option<(String, Option<String>, Option<String>)> =
            sqlx::query_as(&self.backend.sql(&format!(
                "SELECT kind, gemeente, {talent} AS talent FROM submissions WHERE id = ? AND hidden = 0"
            )))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        if let Some((kind, gemeente, talent)) = entry {
            return Ok(Some(FoundOrigin {
                kind: source_kind(&kind, talent.as_deref()),
                gemeenten: gemeente.into_iter().collect(),
                is_place: kind == "place",
            }));
        }
        let event: Option<String> = sqlx::query_scalar(
            &self
                .backend
                .sql("SELECT gemeenten FROM events WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(event.map(|g| FoundOrigin {
            kind: SourceKind::Event,
            gemeenten: crate::domain::roles::split_codes(&g),
            is_place: false,
        }))
    }

    /// For the public: the entries activities of `gemeente` grew from, with whether each is visible
    /// and whether its talent was published: (id, visible, talent public). A deleted entry is not
    /// among them (its origin rows went with it).
    pub async fn origin_entries(
        &self,
        gemeente: &str,
    ) -> Result<Vec<(String, bool, bool)>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(&self.backend.sql(
            "SELECT s.id, s.hidden, s.talent_public FROM submissions s WHERE s.id IN \
             (SELECT o.origin FROM activity_origins o JOIN community_nodes n ON n.id = o.activity \
              WHERE n.gemeente = ?)",
        ))
        .bind(gemeente)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, hidden, talent)| (id, hidden == 0, talent == 1))
            .collect())
    }

    /// The ids of the entries among `ids` the public may see (visible, not deleted).
    pub async fn visible_entries(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut visible = Vec::new();
        for id in ids {
            let found: Option<i64> = sqlx::query_scalar(
                &self
                    .backend
                    .sql("SELECT hidden FROM submissions WHERE id = ?"),
            )
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
            if found == Some(0) {
                visible.push(id.clone());
            }
        }
        Ok(visible)
    }

    /// An entry chosen to start an activity from, as staff of `gemeente` read it: (kind, category,
    /// text, talent); `None` when it is not a visible entry of that gemeente.
    pub async fn chosen_entry(
        &self,
        id: &str,
        gemeente: &str,
    ) -> Result<Option<(String, String, Option<String>, Option<String>)>, StoreError> {
        let talent = self.backend.json_text("details", "talent");
        Ok(sqlx::query_as(&self.backend.sql(&format!(
            "SELECT kind, category, text, {talent} AS talent FROM submissions \
             WHERE id = ? AND gemeente = ? AND hidden = 0"
        )))
        .bind(id)
        .bind(gemeente)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// The visible mapped places of `gemeente` (id, name or else category), by name: the first 500.
    pub async fn places_of(&self, gemeente: &str) -> Result<Vec<(String, String)>, StoreError> {
        let name = self.backend.json_text("details", "name");
        Ok(sqlx::query_as(&self.backend.sql(&format!(
            "SELECT id, COALESCE({name}, category) AS label FROM submissions \
             WHERE kind = 'place' AND hidden = 0 AND gemeente = ? ORDER BY label, id LIMIT 500"
        )))
        .bind(gemeente)
        .fetch_all(&self.reader)
        .await?)
    }
}

/// What an entry is as an origin: a wish that offered a talent counts as a talent.
pub fn source_kind(kind: &str, talent: Option<&str>) -> SourceKind {
    match kind {
        "wish" if talent.is_some_and(|t| !t.trim().is_empty()) => SourceKind::Talent,
        "wish" => SourceKind::Wish,
        _ => SourceKind::Entry,
    }
}

fn origin_rows(rows: Vec<(String, String, String)>) -> Result<Vec<(String, Origin)>, StoreError> {
    rows.into_iter()
        .map(|(activity, id, kind)| {
            let kind = SourceKind::parse(&kind)
                .ok_or_else(|| StoreError::Unreadable(format!("origin kind {kind:?}")))?;
            Ok((activity, Origin { id, kind }))
        })
        .collect()
}

fn day_of(s: &str, what: &str) -> Result<Day, StoreError> {
    Day::read_stored(s).ok_or_else(|| StoreError::Unreadable(format!("{what} {s:?}")))
}

fn node_of(r: &sqlx::any::AnyRow) -> Result<CommunityNode, StoreError> {
    let kind: String = r.try_get("kind")?;
    let lon: Option<f64> = r.try_get("lon")?;
    let lat: Option<f64> = r.try_get("lat")?;
    Ok(CommunityNode {
        id: r.try_get("id")?,
        kind: NodeKind::parse(&kind)
            .ok_or_else(|| StoreError::Unreadable(format!("node kind {kind:?}")))?,
        name: r.try_get("name")?,
        what: r.try_get("what")?,
        gemeente: r.try_get("gemeente")?,
        location: lon.zip(lat).map(|(lon, lat)| Location { lon, lat }),
        place: r.try_get("place")?,
        started_on: day_of(&r.try_get::<String, _>("started_on")?, "node day")?,
        recurring: r.try_get::<i64, _>("recurring")? != 0,
        campaign: r.try_get("campaign")?,
        grew_from: Vec::new(),
    })
}

fn link_of(r: &sqlx::any::AnyRow) -> Result<CommunityLink, StoreError> {
    let kind: String = r.try_get("kind")?;
    let capital: Option<String> = r.try_get("capital")?;
    Ok(CommunityLink {
        id: r.try_get("id")?,
        from: r.try_get("from_node")?,
        to: r.try_get("to_node")?,
        kind: LinkKind::parse(&kind)
            .ok_or_else(|| StoreError::Unreadable(format!("link kind {kind:?}")))?,
        on: day_of(&r.try_get::<String, _>("on_day")?, "link day")?,
        note: r.try_get("note")?,
        capital: capital.as_deref().and_then(Capital::parse),
        gemeente: r.try_get("gemeente")?,
    })
}
