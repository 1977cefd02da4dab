//! What the benchmarks share: their command-line options and the same clustered points.

#![allow(dead_code)]

use std::time::Duration;

use geo::{InteriorPoint, MultiPolygon};
use server::domain::areas::{Area, Level};
use server::import::boundaries::{read, shape_to_geojson, Fields, ImportReport};
use server::store::StoredArea;

/// The 11,691 national buurten of 2014 (../shared/data), as read and repaired by the importer.
pub fn national_buurten() -> ImportReport {
    let file = format!(
        "{}/../../shared/data/boundaries/nl_buurten_2014_coarse.topojson",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    read(&bytes, Level::Buurt, &Fields::default()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The areas as the index takes them.
pub fn index_areas(report: &ImportReport) -> Vec<Area> {
    report
        .areas
        .iter()
        .map(|a| Area {
            code: a.code.clone(),
            level: a.level,
            shape: a.shape.clone(),
        })
        .collect()
}

/// xorshift64*: deterministic, so every run (and geopandas) sees the same points.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal (sum of four uniforms), mean 0, sd about 0.58.
    pub fn bell(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() - 2.0
    }
}

/// Points where people live: 300 centres inside random areas, spread about 1.5 km, and every tenth
/// point uniform over the Netherlands.
pub struct Clusters {
    centres: Vec<(f64, f64)>,
}

impl Clusters {
    pub fn new(shapes: &[&MultiPolygon], rng: &mut Rng) -> Clusters {
        let centres = (0..300)
            .filter_map(|_| shapes[(rng.next() % shapes.len() as u64) as usize].interior_point())
            .map(|p| (p.x(), p.y()))
            .collect();
        Clusters { centres }
    }

    /// The `i`-th point (the noise share depends on `i`).
    pub fn point(&self, i: usize, rng: &mut Rng) -> (f64, f64) {
        if i.is_multiple_of(10) {
            (3.36 + rng.unit() * 3.86, 50.75 + rng.unit() * 2.8)
        } else {
            let (x, y) = self.centres[(rng.next() % self.centres.len() as u64) as usize];
            (x + rng.bell() * 0.035, y + rng.bell() * 0.022)
        }
    }
}

/// The value after `--name` on the command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The process's peak resident memory so far.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The median of some timings.
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The buurten as the store keeps them (2014's figures), those `keep` keeps.
pub fn stored_buurten(report: &ImportReport, keep: impl Fn(&str) -> bool) -> Vec<StoredArea> {
    report
        .areas
        .iter()
        .filter(|a| keep(&a.code))
        .map(|a| StoredArea {
            code: a.code.clone(),
            level: "buurt".into(),
            name: a.name.clone(),
            population: a.population,
            year: Some(2014),
            shape: shape_to_geojson(&a.shape).to_string(),
        })
        .collect()
}
