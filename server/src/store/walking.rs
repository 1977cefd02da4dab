//! Walking coverage's data: imported networks, the places a municipality already knows, and what
//! residents' entries give coverage (places as destinations, barriers with the residents behind them).
//! Every import counts `walking_generation` up, so running servers know their cached coverage is old.

use rustc_hash::FxHashMap;

use crate::domain::walking::{Network, Segment, WayKind};

use super::db::{Store, NOW};
use super::StoreError;

/// Rows per INSERT statement (11 parameters each: well under SQLite's 32,766).
const SEGMENT_BATCH: usize = 500;

/// A place from a municipality's file.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPlace {
    pub id: String,
    pub category: String,
    pub name: Option<String>,
    pub position: [f64; 2],
    pub qualities: Vec<String>,
}

/// A destination for coverage: a place residents mapped (public position: a place's own) or a known
/// place.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub category: String,
    pub position: [f64; 2],
    pub qualities: Vec<String>,
    pub known: bool,
}

/// A barrier entry's public position, with the residents behind it: its author and everyone who said
/// "ik ook". Respondent ids stay in the service's memory for counting and go nowhere else.
#[derive(Debug, Clone, PartialEq)]
pub struct BarrierReport {
    pub category: String,
    pub position: [f64; 2],
    pub respondents: Vec<String>,
    pub confirmed: bool,
}

/// What a network import did.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkImported {
    pub id: String,
    /// Sources of the networks it replaced (their extents overlapped this one).
    pub replaced: Vec<String>,
}

/// A `[min_lon, min_lat, max_lon, max_lat]` box.
pub type Bbox = [f64; 4];

impl Store {
    /// The walking data's generation: counted up by every network or places import.
    pub async fn walking_generation(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT generation FROM walking_generation WHERE id = 1")
                .fetch_one(&self.reader)
                .await?,
        )
    }

    /// Stores a network in one transaction, replacing the stored networks of the same source and
    /// those whose extent lies within its own (a re-import, or a larger extract of the same ground);
    /// with `overlapping`, also those whose extent only overlaps its own. The caller refuses a partial
    /// overlap without it (see [`Store::networks`]): two networks on the same ground would put
    /// segments there twice, unconnected to each other.
    pub async fn replace_network(
        &self,
        source: &str,
        net: &Network,
        overlapping: bool,
    ) -> Result<NetworkImported, StoreError> {
        let extent = net
            .extent()
            .ok_or(StoreError::Internal("an empty network".into()))?;
        let id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.write_tx().await?;
        // Same source, or lying within the new extent; with `overlapping`, meeting it at all.
        let (x0, y0, x1, y1) = if overlapping {
            ("max_lon", "max_lat", "min_lon", "min_lat")
        } else {
            ("min_lon", "min_lat", "max_lon", "max_lat")
        };
        let select = format!(
            "SELECT id, source FROM networks WHERE source = ? \
             OR ({x0} >= ? AND {y0} >= ? AND {x1} <= ? AND {y1} <= ?) ORDER BY source"
        );
        let replaced: Vec<(String, String)> = sqlx::query_as(&self.backend.sql(&select))
            .bind(source)
            .bind(extent[0])
            .bind(extent[1])
            .bind(extent[2])
            .bind(extent[3])
            .fetch_all(&mut *tx)
            .await?;
        for (old, _) in &replaced {
            for table in [
                "DELETE FROM network_segments WHERE network = ?",
                "DELETE FROM networks WHERE id = ?",
            ] {
                sqlx::query(&self.backend.sql(table))
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO networks (id, source, min_lon, min_lat, max_lon, max_lat, nodes, segments, \
             imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, {NOW})"
        )))
        .bind(&id)
        .bind(source)
        .bind(extent[0])
        .bind(extent[1])
        .bind(extent[2])
        .bind(extent[3])
        .bind(net.nodes.len() as i64)
        .bind(net.segments.len() as i64)
        .execute(&mut *tx)
        .await?;
        for (batch_no, batch) in net.segments.chunks(SEGMENT_BATCH).enumerate() {
            let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; batch.len()].join(", ");
            let insert = format!(
                "INSERT INTO network_segments (network, seq, a, b, way, length_m, min_lon, min_lat, \
                 max_lon, max_lat, line) VALUES {values}"
            );
            let sql = self.backend.sql(&insert);
            let mut q = sqlx::query(&sql);
            for (i, s) in batch.iter().enumerate() {
                let b = line_box(&s.line);
                q = q
                    .bind(&id)
                    .bind((batch_no * SEGMENT_BATCH + i) as i64)
                    .bind(i64::from(s.a))
                    .bind(i64::from(s.b))
                    .bind(s.way.as_str())
                    .bind(s.length_m)
                    .bind(b[0])
                    .bind(b[1])
                    .bind(b[2])
                    .bind(b[3])
                    .bind(encode_line(&s.line));
            }
            q.execute(&mut *tx).await?;
        }
        bump_walking(&mut tx).await?;
        tx.commit().await?;
        Ok(NetworkImported {
            id,
            replaced: replaced.into_iter().map(|(_, s)| s).collect(),
        })
    }

    /// The stored networks: source, extent, nodes and segments.
    pub async fn networks(&self) -> Result<Vec<(String, Bbox, i64, i64)>, StoreError> {
        let rows: Vec<(String, f64, f64, f64, f64, i64, i64)> = sqlx::query_as(
            "SELECT source, min_lon, min_lat, max_lon, max_lat, nodes, segments FROM networks \
             ORDER BY source",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(s, a, b, c, d, n, e)| (s, [a, b, c, d], n, e))
            .collect())
    }

    /// Every stored segment whose box meets `bbox`, as one network (nodes renumbered; segments of
    /// different imports never share a node).
    pub async fn network_within(&self, bbox: Bbox) -> Result<Network, StoreError> {
        type Row = (String, i64, i64, String, f64, String);
        let rows: Vec<Row> = sqlx::query_as(&self.backend.sql(
            "SELECT network, a, b, way, length_m, line FROM network_segments \
             WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? \
             ORDER BY network, seq",
        ))
        .bind(bbox[2])
        .bind(bbox[0])
        .bind(bbox[3])
        .bind(bbox[1])
        .fetch_all(&self.reader)
        .await?;
        let mut net = Network::default();
        let mut ids: FxHashMap<(String, i64), u32> = FxHashMap::default();
        for (network, a, b, way, length_m, line) in rows {
            let line = decode_line(&line).ok_or_else(|| {
                StoreError::Unreadable(format!("segment line of network {network}"))
            })?;
            let (Some(&first), Some(&last)) = (line.first(), line.last()) else {
                return Err(StoreError::Unreadable(format!(
                    "empty segment in network {network}"
                )));
            };
            let way =
                WayKind::parse(&way).ok_or_else(|| StoreError::Unreadable(format!("way {way}")))?;
            let mut node = |id: i64, at: [f64; 2]| {
                let next = net.nodes.len() as u32;
                *ids.entry((network.clone(), id)).or_insert_with(|| {
                    net.nodes.push(at);
                    next
                })
            };
            let (a, b) = (node(a, first), node(b, last));
            net.segments.push(Segment {
                a,
                b,
                length_m,
                way,
                line,
            });
        }
        Ok(net)
    }

    /// Replaces the known places of one source (a file name) in one transaction.
    pub async fn replace_known_places(
        &self,
        source: &str,
        places: &[KnownPlace],
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query(
            &self
                .backend
                .sql("DELETE FROM known_places WHERE source = ?"),
        )
        .bind(source)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        for p in places {
            sqlx::query(&self.backend.sql(&format!(
                "INSERT INTO known_places (id, source, category, name, lon, lat, qualities, imported_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, {NOW})"
            )))
            .bind(&p.id)
            .bind(source)
            .bind(&p.category)
            .bind(&p.name)
            .bind(p.position[0])
            .bind(p.position[1])
            .bind(serde_json::to_string(&p.qualities).unwrap_or_else(|_| "[]".into()))
            .execute(&mut *tx)
            .await?;
        }
        bump_walking(&mut tx).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Known places inside `bbox`, by id, at most `limit` (all with `None`).
    pub async fn known_places_within(
        &self,
        bbox: Bbox,
        limit: Option<u32>,
    ) -> Result<Vec<KnownPlace>, StoreError> {
        let rows: Vec<(String, String, Option<String>, f64, f64, String)> =
            sqlx::query_as(&self.backend.sql(
                "SELECT id, category, name, lon, lat, qualities FROM known_places \
                 WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? ORDER BY id LIMIT ?",
            ))
            .bind(bbox[1])
            .bind(bbox[3])
            .bind(bbox[0])
            .bind(bbox[2])
            .bind(limit.map_or(i64::MAX, i64::from))
            .fetch_all(&self.reader)
            .await?;
        rows.into_iter()
            .map(|(id, category, name, lon, lat, q)| {
                Ok(KnownPlace {
                    qualities: serde_json::from_str(&q)
                        .map_err(|e| StoreError::Unreadable(format!("qualities of {id}: {e}")))?,
                    id,
                    category,
                    name,
                    position: [lon, lat],
                })
            })
            .collect()
    }

    /// Every destination inside `bbox`: visible places residents mapped (at their public position,
    /// which for a place is its own) and known places.
    pub async fn destinations_within(&self, bbox: Bbox) -> Result<Vec<Destination>, StoreError> {
        let rows: Vec<(String, f64, f64, String)> = sqlx::query_as(&self.backend.sql(
            "SELECT category, pub_lon, pub_lat, details FROM submissions \
             WHERE kind = 'place' AND hidden = 0 AND pub_lat BETWEEN ? AND ? AND pub_lon BETWEEN ? AND ?",
        ))
        .bind(bbox[1])
        .bind(bbox[3])
        .bind(bbox[0])
        .bind(bbox[2])
        .fetch_all(&self.reader)
        .await?;
        let mut out: Vec<Destination> = rows
            .into_iter()
            .map(|(category, lon, lat, details)| Destination {
                category,
                position: [lon, lat],
                qualities: qualities_of(&details),
                known: false,
            })
            .collect();
        out.extend(
            self.known_places_within(bbox, None)
                .await?
                .into_iter()
                .map(|p| Destination {
                    category: p.category,
                    position: p.position,
                    qualities: p.qualities,
                    known: true,
                }),
        );
        Ok(out)
    }

    /// Visible barrier entries inside `bbox` that are not fixed (status `done`), at their public
    /// position, with the residents behind each (author and "ik ook"s).
    pub async fn barrier_reports_within(
        &self,
        bbox: Bbox,
    ) -> Result<Vec<BarrierReport>, StoreError> {
        /// Entry id, category, public position, confirmed, author, one "ik ook" (if any).
        type Row = (String, String, f64, f64, i64, String, Option<String>);
        let rows: Vec<Row> =
            sqlx::query_as(&self.backend.sql(
                "SELECT s.id, s.category, s.pub_lon, s.pub_lat, s.confirmed, s.respondent, m.respondent \
                 FROM submissions s LEFT JOIN me_too m ON m.submission = s.id \
                 WHERE s.kind = 'barrier' AND s.hidden = 0 AND s.status <> 'done' \
                 AND s.pub_lat BETWEEN ? AND ? AND s.pub_lon BETWEEN ? AND ? ORDER BY s.id",
            ))
            .bind(bbox[1])
            .bind(bbox[3])
            .bind(bbox[0])
            .bind(bbox[2])
            .fetch_all(&self.reader)
            .await?;
        let mut out: Vec<BarrierReport> = Vec::new();
        let mut last: Option<String> = None;
        for (id, category, lon, lat, confirmed, author, me_too) in rows {
            if last.as_deref() != Some(id.as_str()) {
                out.push(BarrierReport {
                    category,
                    position: [lon, lat],
                    respondents: vec![author],
                    confirmed: confirmed != 0,
                });
                last = Some(id);
            }
            if let (Some(r), Some(report)) = (me_too, out.last_mut()) {
                report.respondents.push(r);
            }
        }
        Ok(out)
    }
}

async fn bump_walking(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE walking_generation SET generation = generation + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

fn qualities_of(details: &str) -> Vec<String> {
    serde_json::from_str::<serde_json::Value>(details)
        .ok()
        .and_then(|v| {
            v.get("qualities")?.as_array().map(|a| {
                a.iter()
                    .filter_map(|q| q.as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

fn line_box(line: &[[f64; 2]]) -> Bbox {
    line.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

/// `lon lat,lon lat,...` with 7 decimals (about 1 cm): compact, and exact enough for snapping.
fn encode_line(line: &[[f64; 2]]) -> String {
    let mut s = String::with_capacity(line.len() * 22);
    for (i, p) in line.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{:.7} {:.7}", p[0], p[1]));
    }
    s
}

fn decode_line(s: &str) -> Option<Vec<[f64; 2]>> {
    s.split(',')
        .map(|pair| {
            let (x, y) = pair.split_once(' ')?;
            Some([x.parse().ok()?, y.parse().ok()?])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_survive_storage_to_the_centimetre() {
        let line = vec![
            [4.888_802_2, 52.372_185_6],
            [4.888_333_800_006_533, 52.370_176_850_016_36],
        ];
        let back = decode_line(&encode_line(&line)).unwrap();
        for (p, q) in line.iter().zip(&back) {
            assert!((p[0] - q[0]).abs() < 1e-7 && (p[1] - q[1]).abs() < 1e-7);
        }
        assert_eq!(decode_line("4.9 52.3,x 1"), None);
    }

    #[test]
    fn qualities_come_from_a_places_details() {
        assert_eq!(
            qualities_of(r#"{"qualities":["free","step_free"]}"#),
            vec!["free", "step_free"]
        );
        assert!(qualities_of(r#"{"severity":3}"#).is_empty());
    }
}
