"""The peer for the areas benchmark: geopandas sjoin + groupby on the same points and buurten that
`cargo bench -p server --bench areas` wrote. Loading is timed apart; the index build is timed on its own
(geopandas builds its STRtree lazily), then the join and count. Prints a RESULT line for bench/areas.sh."""
import resource
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd

points_file, areas_file = sys.argv[1], sys.argv[2]

t = time.perf_counter()
raw = np.fromfile(points_file, dtype=np.dtype([("x", "<f8"), ("y", "<f8"), ("c", "u1")]))
polys = gpd.read_file(areas_file)
load = time.perf_counter() - t

points = gpd.GeoDataFrame({"c": raw["c"]}, geometry=gpd.points_from_xy(raw["x"], raw["y"]), crs=polys.crs)

t = time.perf_counter()
_ = polys.sindex  # built once, reused by sjoin
build = time.perf_counter() - t

t = time.perf_counter()
joined = gpd.sjoin(points, polys, how="left", predicate="intersects")
# A point on a shared boundary matches two buurten: keep one, as Trefpunt does.
joined = joined[~joined.index.duplicated(keep="first")]
counts = joined.groupby([joined["index_right"].fillna(-1), "c"]).size()
join_count = time.perf_counter() - t

t = time.perf_counter()
gx = ((raw["x"] - 3.2) / 4.1 * 256).astype(np.int64)
gy = ((53.6 - raw["y"]) / 2.9 * 256).astype(np.int64)
ok = (gx >= 0) & (gx < 256) & (gy >= 0) & (gy < 256)
grid = np.bincount(gy[ok] * 256 + gx[ok], minlength=256 * 256)
grid_time = time.perf_counter() - t

inside = int(joined["index_right"].notna().sum())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"geopandas {gpd.__version__} (shapely sjoin + pandas groupby): {len(polys)} buurten, {len(points)} points ({inside} inside)")
print(f"  load (not counted)                     {load * 1e3:9.1f} ms")
print(f"  build index                            {build * 1e3:9.1f} ms")
print(f"  (a)+(b) join and count                 {join_count * 1e3:9.1f} ms")
print(f"  (c) 256x256 density grid (numpy)       {grid_time * 1e3:9.1f} ms")
print(f"  total with index build                 {(build + join_count) * 1e3:9.1f} ms")
print(f"  peak memory                            {peak:9.1f} MiB")
print(f"RESULT join_count_ms={join_count * 1e3:.3f} total_ms={(build + join_count) * 1e3:.3f} grid_ms={grid_time * 1e3:.3f} peak_mib={peak:.1f} inside={inside} cells={int(len(counts))}")
