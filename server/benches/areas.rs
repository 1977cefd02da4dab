//! Spatial benchmark (issue 3): assign 1,000,000 clustered points to the 11,691 national buurten, count
//! per area × category, and bin a 256×256 density grid, on at most 2 threads. Prints figures; with
//! `--write-points FILE` also writes the points for bench/areas_geopandas.py, so both measure the same.
//!
//! Steps (a) and (b) bucket each thread's points along the raster's Z-order curve, look them up in
//! the raster of the buurten (`domain::raster`) and count; the exact R-tree index must give
//! the same answer for every point, or the benchmark fails.
//!
//!   cargo bench -p server --bench areas -- [--points N] [--cells N] [--write-points FILE] [--write-areas FILE]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::Write;
use std::time::Instant;

use server::domain::areas::{AreaIndex, Level};
use server::domain::raster::Raster;
use server::import::boundaries::shape_to_geojson;

mod common;

use common::{arg, index_areas, national_buurten, peak_rss_mib, Clusters, Rng};

const CATEGORIES: u8 = 15;
const THREADS: usize = 2;

fn main() {
    let n: usize = arg("--points")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let report = national_buurten();
    let load = t.elapsed();
    let areas = index_areas(&report);
    if let Some(path) = arg("--write-areas") {
        let features: Vec<serde_json::Value> = report
            .areas
            .iter()
            .map(|a| serde_json::json!({"type": "Feature", "properties": {"code": a.code}, "geometry": shape_to_geojson(&a.shape)}))
            .collect();
        std::fs::write(
            &path,
            serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
        )
        .unwrap();
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let shapes: Vec<_> = areas.iter().map(|a| &a.shape).collect();
    let clusters = Clusters::new(&shapes, &mut rng);
    let points: Vec<(f64, f64, u8)> = (0..n)
        .map(|i| {
            let cat = (rng.next() % u64::from(CATEGORIES)) as u8;
            let (x, y) = clusters.point(i, &mut rng);
            (x, y, cat)
        })
        .collect();
    if let Some(path) = arg("--write-points") {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for (x, y, c) in &points {
            f.write_all(&x.to_le_bytes()).unwrap();
            f.write_all(&y.to_le_bytes()).unwrap();
            f.write_all(&[*c]).unwrap();
        }
    }

    let cells: usize = arg("--cells").and_then(|s| s.parse().ok()).unwrap_or(4096);
    let t = Instant::now();
    let index = AreaIndex::new(areas);
    let build_rtree = t.elapsed();
    let t = Instant::now();
    let raster = Raster::new(&index, Level::Buurt, cells);
    let build = build_rtree + t.elapsed();

    // (a)+(b) on THREADS threads: each orders its share of the points along the raster's Z-order
    // curve, looks them up in that order and counts per area × category; the counts are summed.
    let rows = index.len() + 1;
    let t = Instant::now();
    let chunk = points.len().div_ceil(THREADS);
    let parts: Vec<(Vec<u32>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = points
            .chunks(chunk)
            .map(|part| {
                let raster = &raster;
                s.spawn(move || {
                    // A counting sort of the points themselves into blocks of 32×32 cells along
                    // the curve: O(n), and each block's cells and edges stay in cache. (Sorting
                    // indices instead would miss the cache on every point read back.)
                    let keys: Vec<u32> = part
                        .iter()
                        .map(|(x, y, _)| (raster.curve_key(*x, *y) >> 10) as u32)
                        .collect();
                    let blocks = keys.iter().max().map_or(0, |k| *k as usize + 1);
                    let mut next = vec![0u32; blocks + 1];
                    for k in &keys {
                        next[*k as usize + 1] += 1;
                    }
                    for b in 1..=blocks {
                        next[b] += next[b - 1];
                    }
                    let mut order = vec![(0.0, 0.0, 0u8); part.len()];
                    for (k, p) in keys.iter().zip(part) {
                        order[next[*k as usize] as usize] = *p;
                        next[*k as usize] += 1;
                    }
                    let mut counts = vec![0u32; rows * CATEGORIES as usize];
                    let mut inside = 0;
                    for (x, y, c) in order {
                        let row = match raster.locate_index(x, y) {
                            Some(a) => {
                                inside += 1;
                                a
                            }
                            None => rows - 1,
                        };
                        counts[row * CATEGORIES as usize + c as usize] += 1;
                    }
                    (counts, inside)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut counts = vec![0u32; rows * CATEGORIES as usize];
    let mut inside = 0;
    for (part, n) in parts {
        inside += n;
        for (total, c) in counts.iter_mut().zip(part) {
            *total += c;
        }
    }
    let join_count = t.elapsed();

    // Not timed: the raster must give the exact index's answer for every point, and the exact
    // index alone (the write path's lookup) is timed for comparison.
    let t = Instant::now();
    let exact: Vec<Option<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = points
            .chunks(chunk)
            .map(|part| {
                let index = &index;
                s.spawn(move || {
                    part.iter()
                        .map(|(x, y, _)| index.locate_index(Level::Buurt, *x, *y))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let assign_exact = t.elapsed();
    let disagree = points
        .iter()
        .zip(&exact)
        .filter(|((x, y, _), e)| raster.locate_index(*x, *y) != **e)
        .count();
    assert_eq!(
        disagree, 0,
        "the raster and the exact index disagree on {disagree} points"
    );
    let mut exact_counts = vec![0u32; rows * CATEGORIES as usize];
    for (a, (_, _, c)) in exact.iter().zip(&points) {
        exact_counts[a.map_or(rows - 1, |i| i) * CATEGORIES as usize + *c as usize] += 1;
    }
    assert_eq!(counts, exact_counts, "the counts agree too");

    // (c) a 256×256 density grid over the Netherlands.
    let t = Instant::now();
    let mut grid = vec![0u32; 256 * 256];
    for (x, y, _) in &points {
        let cx = (((x - 3.2) / 4.1) * 256.0) as isize;
        let cy = (((53.6 - y) / 2.9) * 256.0) as isize;
        if (0..256).contains(&cx) && (0..256).contains(&cy) {
            grid[cy as usize * 256 + cx as usize] += 1;
        }
    }
    let grid_time = t.elapsed();

    // A single lookup, as the write path does it: the average over 200,000 points, one thread.
    let sample = &points[..200_000.min(points.len())];
    let t = Instant::now();
    let mut found = 0usize;
    for (x, y, _) in sample {
        found += usize::from(index.locate_index(Level::Buurt, *x, *y).is_some());
    }
    let single_us = t.elapsed().as_secs_f64() * 1e6 / sample.len() as f64;

    println!(
        "trefpunt areas benchmark: {} buurten, {} points ({} inside a buurt), {THREADS} threads",
        index.len(),
        n,
        inside
    );
    println!(
        "  load + decode TopoJSON (not counted)   {:>9.1} ms",
        load.as_secs_f64() * 1e3
    );
    println!(
        "  build index (R-tree + {cells}-cell raster, {:.1} % boundary cells) {:>6.1} ms",
        raster.boundary_share() * 100.0,
        build.as_secs_f64() * 1e3
    );
    println!(
        "  (a) through the R-tree alone, for comparison {:>7.1} ms (same answers for every point)",
        assign_exact.as_secs_f64() * 1e3
    );

    println!(
        "  (c) 256x256 density grid               {:>9.1} ms",
        grid_time.as_secs_f64() * 1e3
    );
    println!(
        "  (a)+(b) join and count (Z-order bucketing included) {:>6.1} ms",
        join_count.as_secs_f64() * 1e3
    );
    println!(
        "  total with index build                 {:>9.1} ms",
        (build + join_count).as_secs_f64() * 1e3
    );
    println!("  single lookup (write path), average    {single_us:>9.3} us ({found} found)");
    println!(
        "  peak memory                            {:>9.1} MiB",
        peak_rss_mib()
    );
    println!(
        "RESULT join_count_ms={:.3} total_ms={:.3} grid_ms={:.3} single_us={:.4} peak_mib={:.1} inside={inside} checksum={}",
        join_count.as_secs_f64() * 1e3,
        (build + join_count).as_secs_f64() * 1e3,
        grid_time.as_secs_f64() * 1e3,
        single_us,
        peak_rss_mib(),
        counts.iter().map(|c| u64::from(*c)).sum::<u64>() + grid.iter().map(|c| u64::from(*c)).sum::<u64>()
    );
}
