//! The workloads of the benchmark suite and the three Rust-side
//! implementations they run against:
//!
//! * `rust`: this project's `store` crate through libstore.so;
//! * `rstar`: an in-process R*-tree (`RTree<GeomWithData<[f64; 3], u64>>`),
//!   no key-value store;
//! * `sqlite`: SQLite's R*Tree module and a `WITHOUT ROWID` key-value table
//!   through rusqlite (bundled SQLite), in memory.
//!
//! The Go side (`bench/go`) generates the same inputs with the same
//! splitmix64 generator and seeds, so every implementation sees the same
//! points, the same query places and the same moves.

use std::path::Path;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{PointDistance, RTree, AABB};
use rusqlite::{params, Connection};
use store::{Ops, Point, Rect, Store};

/// The side of the cube the objects live in.
pub const WORLD: f64 = 1000.0;
/// The side of a box query.
pub const BOX_SIDE: f64 = 50.0;
/// The number of neighbours of knn10.
pub const K: usize = 10;
/// Items per call of the batch workloads.
pub const BATCH: usize = 1000;
/// Keys of the key-value workloads.
pub const KV_KEYS: usize = 100_000;
/// Length of a key-value value.
pub const VALUE_LEN: usize = 100;
/// Players of the tick and pairs workloads.
pub const PLAYERS: usize = 10_000;
/// The distance of the pairs workload.
pub const PAIR_DIST: f64 = 10.0;
/// The pairs within PAIR_DIST among the PLAYERS points as loaded (brute
/// force; bench/go checks the same number).
pub const PAIRS_AT_LOAD: usize = 211;

/// Seeds: one stream for the points, one for what the benchmarks draw.
pub const SEED_POINTS: u64 = 1;
pub const SEED_QUERIES: u64 = 2;

/// The clustered world: CLUSTERED_N objects, TOWN_SHARE of them in TOWNS
/// balls of radius TOWN_RADIUS, the rest uniform in the cube, drawn from
/// stream SEED_CLUSTERED.
pub const CLUSTERED_N: usize = 100_000;
pub const TOWNS: usize = 50;
pub const TOWN_RADIUS: f64 = 20.0;
pub const TOWN_SHARE: f64 = 0.9;
pub const SEED_CLUSTERED: u64 = 3;

/// A query box: (min, max).
pub type BoxQuery = ([f64; 3], [f64; 3]);

/// splitmix64, written the same way in bench/go/workload.go.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n) (the modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A point uniform in the cube.
    pub fn point(&mut self) -> [f64; 3] {
        [self.unit() * WORLD, self.unit() * WORLD, self.unit() * WORLD]
    }

    /// A player's step: up to 1 unit in each axis, kept inside the cube.
    pub fn step(&mut self, from: [f64; 3]) -> [f64; 3] {
        let mut to = from;
        for c in &mut to {
            *c = (*c + self.unit() * 2.0 - 1.0).clamp(0.0, WORLD);
        }
        to
    }
}

/// The n objects of a spatial world.
pub fn points(n: usize) -> Vec<[f64; 3]> {
    let mut rng = SplitMix64::new(SEED_POINTS);
    (0..n).map(|_| rng.point()).collect()
}

/// The n objects of the clustered world, as bench/go's ClusteredPoints:
/// TOWNS town centres first (uniform, at least TOWN_RADIUS inside the
/// cube), then per object a draw u: u < TOWN_SHARE puts it in a random
/// town, uniform in the ball of radius TOWN_RADIUS (rejection sampling in
/// the cube around it), otherwise it is uniform in the cube.
pub fn clustered_points(n: usize) -> Vec<[f64; 3]> {
    let mut rng = SplitMix64::new(SEED_CLUSTERED);
    let mut towns = vec![[0.0; 3]; TOWNS];
    for t in &mut towns {
        for c in t.iter_mut() {
            *c = TOWN_RADIUS + rng.unit() * (WORLD - 2.0 * TOWN_RADIUS);
        }
    }
    (0..n)
        .map(|_| {
            if rng.unit() >= TOWN_SHARE {
                return rng.point();
            }
            let c = towns[rng.below(TOWNS)];
            loop {
                let d = [rng.unit() * 2.0 - 1.0, rng.unit() * 2.0 - 1.0, rng.unit() * 2.0 - 1.0];
                if d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= 1.0 {
                    return [c[0] + d[0] * TOWN_RADIUS, c[1] + d[1] * TOWN_RADIUS, c[2] + d[2] * TOWN_RADIUS];
                }
            }
        })
        .collect()
}

/// The box of side BOX_SIDE centred on c.
pub fn box_around(c: [f64; 3]) -> BoxQuery {
    let h = BOX_SIDE / 2.0;
    ([c[0] - h, c[1] - h, c[2] - h], [c[0] + h, c[1] + h, c[2] + h])
}

/// The key of object id in the store.
pub fn object_key(id: usize) -> String {
    format!("o:{id}")
}

/// BuntDB's rect text of a point: the store's value for an object.
pub fn rect_text(p: [f64; 3]) -> String {
    format!("[{} {} {}]", p[0], p[1], p[2])
}

/// Key i of the key-value workloads: 16 bytes.
pub fn kv_key(i: usize) -> String {
    format!("k{i:015}")
}

/// The 100-byte value of the key-value workloads.
pub fn kv_value() -> Vec<u8> {
    b"abcdefghijklmnopqrstuvwxyz".iter().cycle().take(VALUE_LEN).copied().collect()
}

// ---- Spatial -----------------------------------------------------------------

/// What each implementation does for the spatial workloads. Every method
/// returns a count so that the work cannot be optimised away.
pub trait Spatial {
    /// Whether tick asks its box queries in one `query_boxes` call (the
    /// store) or one `query_box` call each (rstar, sqlite).
    const BATCH_TICK: bool = false;
    /// Objects intersecting the box.
    fn query_box(&mut self, min: [f64; 3], max: [f64; 3]) -> usize;
    /// Objects intersecting each box, summed, in one call.
    fn query_boxes(&mut self, boxes: &[BoxQuery]) -> usize {
        boxes.iter().map(|&(min, max)| self.query_box(min, max)).sum()
    }
    /// The ids of the K nearest objects, nearest first.
    fn knn(&mut self, p: [f64; 3]) -> Vec<u64>;
    /// The K nearest objects of each point, counted, in one call.
    fn knn_many(&mut self, points: &[[f64; 3]]) -> usize {
        points.iter().map(|&p| self.knn(p).len()).sum()
    }
    /// The pairs of objects within `max_dist` of each other, each pair
    /// once; `pos` is where every object is now.
    fn pairs(&mut self, pos: &[[f64; 3]], max_dist: f64) -> usize;
    /// Moves one object.
    fn move_one(&mut self, id: usize, from: [f64; 3], to: [f64; 3]);
    /// Moves many objects in one call (one transaction where there are
    /// transactions).
    fn move_many(&mut self, moves: &[(usize, [f64; 3], [f64; 3])]);
}

/// An implementation plus the current position of every object and the
/// stream that draws query places and moves.
pub struct World<S> {
    pub imp: S,
    pub pos: Vec<[f64; 3]>,
    pub rng: SplitMix64,
    moves: Vec<(usize, [f64; 3], [f64; 3])>,
    boxes: Vec<BoxQuery>,
    places: Vec<[f64; 3]>,
}

impl<S: Spatial> World<S> {
    pub fn new(imp: S, pos: Vec<[f64; 3]>) -> Self {
        World { imp, pos, rng: SplitMix64::new(SEED_QUERIES), moves: Vec::new(), boxes: Vec::new(), places: Vec::new() }
    }

    /// box: a box of side 50 at a random place.
    pub fn box_query(&mut self) -> usize {
        let (min, max) = box_around(self.rng.point());
        self.imp.query_box(min, max)
    }

    /// knn10: the 10 nearest objects to a random point.
    pub fn knn10(&mut self) -> usize {
        let p = self.rng.point();
        self.imp.knn(p).len()
    }

    /// A random object's place: where the clustered workloads ask.
    fn object_place(&mut self) -> [f64; 3] {
        self.pos[self.rng.below(self.pos.len())]
    }

    /// box_clustered: a box of side 50 centred on a random object.
    pub fn box_on_object(&mut self) -> usize {
        let (min, max) = box_around(self.object_place());
        self.imp.query_box(min, max)
    }

    /// knn10_clustered: the 10 nearest objects to a random object's place
    /// (the object itself among them).
    pub fn knn10_on_object(&mut self) -> usize {
        let p = self.object_place();
        self.imp.knn(p).len()
    }

    /// box_batch: BATCH boxes of side 50 at random places, in one call.
    pub fn box_batch(&mut self) -> usize {
        self.boxes.clear();
        for _ in 0..BATCH {
            let c = self.rng.point();
            self.boxes.push(box_around(c));
        }
        self.imp.query_boxes(&self.boxes)
    }

    /// knn10_batch: the 10 nearest objects to each of BATCH random points,
    /// in one call.
    pub fn knn10_batch(&mut self) -> usize {
        self.places.clear();
        for _ in 0..BATCH {
            let p = self.rng.point();
            self.places.push(p);
        }
        self.imp.knn_many(&self.places)
    }

    /// pairs: every pair of objects within PAIR_DIST, each once.
    pub fn pairs(&mut self) -> usize {
        self.imp.pairs(&self.pos, PAIR_DIST)
    }

    /// move: one random object one step.
    pub fn move_one(&mut self) {
        let id = self.rng.below(self.pos.len());
        let from = self.pos[id];
        let to = self.rng.step(from);
        self.imp.move_one(id, from, to);
        self.pos[id] = to;
    }

    /// move_batch: BATCH random objects one step each, in one call.
    pub fn move_batch(&mut self) {
        self.step_objects(BATCH, false);
        self.imp.move_many(&self.moves);
    }

    /// tick: every object (player) one step in one call, then one box query
    /// around every player: one `query_boxes` call for the store
    /// (`BATCH_TICK`), one `query_box` call each for the others.
    pub fn tick(&mut self) -> usize {
        self.step_objects(self.pos.len(), true);
        self.imp.move_many(&self.moves);
        if S::BATCH_TICK {
            self.boxes.clear();
            self.boxes.extend(self.pos.iter().map(|&p| box_around(p)));
            return self.imp.query_boxes(&self.boxes);
        }
        let mut hits = 0;
        for i in 0..self.pos.len() {
            let (min, max) = box_around(self.pos[i]);
            hits += self.imp.query_box(min, max);
        }
        hits
    }

    fn step_objects(&mut self, n: usize, all: bool) {
        self.moves.clear();
        for i in 0..n {
            let id = if all { i } else { self.rng.below(self.pos.len()) };
            let from = self.pos[id];
            let to = self.rng.step(from);
            self.pos[id] = to;
            self.moves.push((id, from, to));
        }
    }
}

/// The store through libstore.so: values are rect text under `o:<id>`, in
/// a spatial index without a JSON path.
pub struct StoreSpatial {
    pub db: Store,
    keys: Vec<String>,
    // Reused argument buffers of the batch calls.
    rects: Vec<Rect>,
    places: Vec<Point>,
}

impl StoreSpatial {
    pub const INDEX: &'static str = "pos";

    pub fn load(points: &[[f64; 3]]) -> store::Result<Self> {
        let db = Store::open_in_memory()?;
        let keys: Vec<String> = (0..points.len()).map(object_key).collect();
        for (chunk_keys, chunk) in keys.chunks(10_000).zip(points.chunks(10_000)) {
            db.set_many(chunk_keys.iter().zip(chunk).map(|(k, p)| (k.as_str(), rect_text(*p), None)))?;
        }
        // The index comes after the objects, so it is bulk-loaded, as at an
        // open and as rstar's tree is.
        db.create_spatial_index(Self::INDEX, "o:*", None)?;
        Ok(StoreSpatial { db, keys, rects: Vec::new(), places: Vec::new() })
    }

    /// Writes the file the load workload opens: a snapshot of this store
    /// at `path`, then a file store opened on it once to define the
    /// spatial index (which writes `path.idx`).
    pub fn write_load_file(&self, path: &Path) -> store::Result<()> {
        self.db.save(path)?;
        let f = Store::open(path)?;
        f.create_spatial_index(Self::INDEX, "o:*", None)?;
        f.close()
    }

    /// load: opens the file store at `path` (the whole file is read and the
    /// spatial index rebuilt before `open` returns), then closes it.
    pub fn open_file(path: &Path) -> store::Result<()> {
        Store::open(path)?.close()
    }
}

impl Spatial for StoreSpatial {
    const BATCH_TICK: bool = true;

    fn query_box(&mut self, min: [f64; 3], max: [f64; 3]) -> usize {
        let r = Rect::new(&min, &max).expect("valid box");
        self.db.intersects(Self::INDEX, &r, 0).expect("intersects").len()
    }

    fn knn(&mut self, p: [f64; 3]) -> Vec<u64> {
        let hits = self.db.nearby(Self::INDEX, &Point::new(&p).expect("valid point"), K, None).expect("nearby");
        hits.iter()
            .map(|h| h.key_str().expect("utf-8 key")[2..].parse().expect("numeric id"))
            .collect()
    }

    /// One `intersects_many` call.
    fn query_boxes(&mut self, boxes: &[BoxQuery]) -> usize {
        self.rects.clear();
        self.rects.extend(boxes.iter().map(|(min, max)| Rect::new(min, max).expect("valid box")));
        self.db.intersects_many(Self::INDEX, &self.rects, 0).expect("intersects_many").total_hits()
    }

    /// One `nearby_many` call.
    fn knn_many(&mut self, points: &[[f64; 3]]) -> usize {
        self.places.clear();
        self.places.extend(points.iter().map(|p| Point::new(p).expect("valid point")));
        self.db.nearby_many(Self::INDEX, &self.places, K, None).expect("nearby_many").total_hits()
    }

    /// One `pairs` call.
    fn pairs(&mut self, _pos: &[[f64; 3]], max_dist: f64) -> usize {
        self.db.pairs(Self::INDEX, max_dist, None).expect("pairs").len()
    }

    fn move_one(&mut self, id: usize, _from: [f64; 3], to: [f64; 3]) {
        self.db.set(&self.keys[id], rect_text(to)).expect("set");
    }

    fn move_many(&mut self, moves: &[(usize, [f64; 3], [f64; 3])]) {
        let keys = &self.keys;
        self.db
            .set_many(moves.iter().map(|&(id, _, to)| (keys[id].as_str(), rect_text(to), None)))
            .expect("set_many");
    }
}

/// rstar: bulk-loaded; a move is remove + insert.
pub struct RStarSpatial {
    pub tree: RTree<GeomWithData<[f64; 3], u64>>,
}

impl RStarSpatial {
    pub fn load(points: &[[f64; 3]]) -> Self {
        let items = points.iter().enumerate().map(|(i, p)| GeomWithData::new(*p, i as u64)).collect();
        RStarSpatial { tree: RTree::bulk_load(items) }
    }

    /// The items `load` bulk-loads.
    pub fn items(points: &[[f64; 3]]) -> Vec<GeomWithData<[f64; 3], u64>> {
        points.iter().enumerate().map(|(i, p)| GeomWithData::new(*p, i as u64)).collect()
    }

    /// pairs as a join: a second tree of the boxes of side 2 max_dist
    /// around every object, bulk-loaded, against the tree of points with
    /// `intersection_candidates_with_other_tree`, then the distance test.
    /// Slower than the per-item loop that `pairs` uses (see the test
    /// `rstar_pairs_join_agrees`); kept to say so.
    pub fn pairs_join(&self, max_dist: f64) -> usize {
        let boxes: Vec<_> = self
            .tree
            .iter()
            .map(|o| {
                let p = *o.geom();
                let r = Rectangle::from_corners(
                    [p[0] - max_dist, p[1] - max_dist, p[2] - max_dist],
                    [p[0] + max_dist, p[1] + max_dist, p[2] + max_dist],
                );
                GeomWithData::new(r, (o.data, p))
            })
            .collect();
        let around = RTree::bulk_load(boxes);
        let d2 = max_dist * max_dist;
        self.tree
            .intersection_candidates_with_other_tree(&around)
            .filter(|(b, a)| b.data > a.data.0 && b.geom().distance_2(&a.data.1) <= d2)
            .count()
    }
}

impl Spatial for RStarSpatial {
    fn query_box(&mut self, min: [f64; 3], max: [f64; 3]) -> usize {
        self.tree.locate_in_envelope_intersecting(AABB::from_corners(min, max)).count()
    }

    fn knn(&mut self, p: [f64; 3]) -> Vec<u64> {
        self.tree.nearest_neighbor_iter(p).take(K).map(|o| o.data).collect()
    }

    fn knn_many(&mut self, points: &[[f64; 3]]) -> usize {
        points.iter().map(|&p| self.tree.nearest_neighbor_iter(p).take(K).count()).sum()
    }

    /// Per item, `locate_within_distance` (squared distance), keeping
    /// the pairs whose other id is larger.
    fn pairs(&mut self, _pos: &[[f64; 3]], max_dist: f64) -> usize {
        let d2 = max_dist * max_dist;
        self.tree
            .iter()
            .map(|a| self.tree.locate_within_distance(*a.geom(), d2).filter(|b| b.data > a.data).count())
            .sum()
    }

    fn move_one(&mut self, id: usize, from: [f64; 3], to: [f64; 3]) {
        let removed = self.tree.remove(&GeomWithData::new(from, id as u64));
        debug_assert!(removed.is_some());
        self.tree.insert(GeomWithData::new(to, id as u64));
    }

    fn move_many(&mut self, moves: &[(usize, [f64; 3], [f64; 3])]) {
        for &(id, from, to) in moves {
            self.move_one(id, from, to);
        }
    }
}

/// SQLite's R*Tree module, in memory, with cached prepared statements.
///
/// knn10 is done the way a user of the R*Tree would: SQLite has no
/// nearest-neighbour query, so search a cube around the point whose
/// inscribed ball is expected to hold 2K objects (from the density),
/// keep the hits inside that ball, and double the radius until it holds at
/// least K; then sort by distance and take K.
pub struct SqliteSpatial {
    pub conn: Connection,
    r0: f64,
    cand: Vec<(f64, u64)>,
}

const SQL_BOX: &str = "SELECT id FROM rt WHERE minx <= ?4 AND maxx >= ?1 AND miny <= ?5 AND maxy >= ?2 AND minz <= ?6 AND maxz >= ?3";
const SQL_BOX_ROWS: &str = "SELECT id, minx, maxx, miny, maxy, minz, maxz FROM rt \
     WHERE minx <= ?4 AND maxx >= ?1 AND miny <= ?5 AND maxy >= ?2 AND minz <= ?6 AND maxz >= ?3";
const SQL_PAIRS: &str = "SELECT minx, maxx, miny, maxy, minz, maxz FROM rt \
     WHERE minx <= ?4 AND maxx >= ?1 AND miny <= ?5 AND maxy >= ?2 AND minz <= ?6 AND maxz >= ?3 AND id > ?7";
const SQL_MOVE: &str = "UPDATE rt SET minx = ?2, maxx = ?2, miny = ?3, maxy = ?3, minz = ?4, maxz = ?4 WHERE id = ?1";

impl SqliteSpatial {
    pub fn load(points: &[[f64; 3]]) -> rusqlite::Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy, minz, maxz)")?;
        {
            let tx = conn.unchecked_transaction()?;
            let mut ins = tx.prepare("INSERT INTO rt VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?4)")?;
            for (i, p) in points.iter().enumerate() {
                ins.execute(params![i as i64, p[0], p[1], p[2]])?;
            }
            drop(ins);
            tx.commit()?;
        }
        // Radius of a ball expected to hold 2K objects at this density.
        let density = points.len().max(1) as f64 / (WORLD * WORLD * WORLD);
        let r0 = (2.0 * K as f64 * 3.0 / (4.0 * std::f64::consts::PI * density)).cbrt();
        Ok(SqliteSpatial { conn, r0, cand: Vec::new() })
    }

    /// Writes the database file the load workload opens: `VACUUM INTO`
    /// copies this in-memory database (its R*Tree) to `path`.
    pub fn write_load_file(&self, path: &Path) -> rusqlite::Result<()> {
        self.conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        Ok(())
    }

    /// load: opens the database file at `path` and runs one box query
    /// (side 50 at the centre of the cube), so that the schema and the
    /// R*Tree pages on that query's path are read; SQLite reads the other
    /// pages only when a query needs them.
    pub fn open_file(path: &Path) -> rusqlite::Result<usize> {
        let conn = Connection::open(path)?;
        let (min, max) = box_around([WORLD / 2.0; 3]);
        let mut st = conn.prepare(SQL_BOX)?;
        let n = st.query_map(params![min[0], min[1], min[2], max[0], max[1], max[2]], |r| r.get::<_, i64>(0))?.count();
        Ok(n)
    }
}

/// The distance from p to a box.
fn dist_to_box(p: [f64; 3], min: [f64; 3], max: [f64; 3]) -> f64 {
    let mut d2 = 0.0;
    for i in 0..3 {
        let d = if p[i] < min[i] {
            min[i] - p[i]
        } else if p[i] > max[i] {
            p[i] - max[i]
        } else {
            0.0
        };
        d2 += d * d;
    }
    d2.sqrt()
}

impl Spatial for SqliteSpatial {
    fn query_box(&mut self, min: [f64; 3], max: [f64; 3]) -> usize {
        let mut st = self.conn.prepare_cached(SQL_BOX).expect("prepare");
        let mut rows = st.query(params![min[0], min[1], min[2], max[0], max[1], max[2]]).expect("query");
        let mut n = 0;
        while let Some(row) = rows.next().expect("step") {
            let _id: i64 = row.get(0).expect("id");
            n += 1;
        }
        n
    }

    fn knn(&mut self, p: [f64; 3]) -> Vec<u64> {
        let mut st = self.conn.prepare_cached(SQL_BOX_ROWS).expect("prepare");
        let mut r = self.r0;
        let whole = WORLD * 2.0; // a cube of half-side 2000 around any point holds everything
        loop {
            self.cand.clear();
            let mut rows = st
                .query(params![p[0] - r, p[1] - r, p[2] - r, p[0] + r, p[1] + r, p[2] + r])
                .expect("query");
            let mut inside = 0;
            while let Some(row) = rows.next().expect("step") {
                let id: i64 = row.get(0).expect("id");
                let c = |i: usize| -> f64 { row.get(i).expect("coordinate") };
                let d = dist_to_box(p, [c(1), c(3), c(5)], [c(2), c(4), c(6)]);
                if d <= r {
                    inside += 1;
                }
                self.cand.push((d, id as u64));
            }
            if inside >= K || r >= whole {
                break;
            }
            r *= 2.0;
        }
        self.cand.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.cand.iter().take(K).map(|c| c.1).collect()
    }

    /// The prepared box statement in a loop, in one transaction.
    fn query_boxes(&mut self, boxes: &[BoxQuery]) -> usize {
        let tx = self.conn.unchecked_transaction().expect("begin");
        let mut n = 0;
        {
            let mut st = tx.prepare_cached(SQL_BOX).expect("prepare");
            for (min, max) in boxes {
                let mut rows = st.query(params![min[0], min[1], min[2], max[0], max[1], max[2]]).expect("query");
                while let Some(row) = rows.next().expect("step") {
                    let _id: i64 = row.get(0).expect("id");
                    n += 1;
                }
            }
        }
        tx.commit().expect("commit");
        n
    }

    /// knn per point, in one transaction.
    fn knn_many(&mut self, points: &[[f64; 3]]) -> usize {
        self.conn.execute_batch("BEGIN").expect("begin");
        let n = points.iter().map(|&p| self.knn(p).len()).sum();
        self.conn.execute_batch("COMMIT").expect("commit");
        n
    }

    /// Per object, a box query of half-side max_dist around it for the
    /// objects with a larger id, then the distance test; one transaction.
    fn pairs(&mut self, pos: &[[f64; 3]], max_dist: f64) -> usize {
        let tx = self.conn.unchecked_transaction().expect("begin");
        let mut n = 0;
        {
            let mut st = tx.prepare_cached(SQL_PAIRS).expect("prepare");
            for (id, p) in pos.iter().enumerate() {
                let d = max_dist;
                let mut rows = st
                    .query(params![p[0] - d, p[1] - d, p[2] - d, p[0] + d, p[1] + d, p[2] + d, id as i64])
                    .expect("query");
                while let Some(row) = rows.next().expect("step") {
                    let c = |i: usize| -> f64 { row.get(i).expect("coordinate") };
                    if dist_to_box(*p, [c(0), c(2), c(4)], [c(1), c(3), c(5)]) <= d {
                        n += 1;
                    }
                }
            }
        }
        tx.commit().expect("commit");
        n
    }

    fn move_one(&mut self, id: usize, _from: [f64; 3], to: [f64; 3]) {
        let mut st = self.conn.prepare_cached(SQL_MOVE).expect("prepare");
        st.execute(params![id as i64, to[0], to[1], to[2]]).expect("update");
    }

    fn move_many(&mut self, moves: &[(usize, [f64; 3], [f64; 3])]) {
        let tx = self.conn.unchecked_transaction().expect("begin");
        {
            let mut st = tx.prepare_cached(SQL_MOVE).expect("prepare");
            for &(id, _, to) in moves {
                st.execute(params![id as i64, to[0], to[1], to[2]]).expect("update");
            }
        }
        tx.commit().expect("commit");
    }
}

// ---- Key-value -------------------------------------------------------------------

/// Reads every byte of a value, as a caller that uses it does (the Go
/// benchmarks' ReadAll is the same sum), so that no implementation is
/// measured without touching what it returned.
pub fn read_all(v: &[u8]) -> usize {
    v.iter().map(|&b| b as usize).sum()
}

/// What each implementation does for the key-value workloads.
pub trait Kv {
    fn get(&mut self, key: &[u8]) -> usize;
    fn set(&mut self, key: &[u8], value: &[u8]);
    fn set_batch(&mut self, keys: &[&[u8]], value: &[u8]);
    fn get_batch(&mut self, keys: &[&[u8]]) -> usize;
}

/// The key-value workloads over KV_KEYS keys of 16 bytes with values of
/// 100 bytes, keys drawn at random.
pub struct KvWorld<S> {
    pub imp: S,
    pub keys: Vec<String>,
    pub value: Vec<u8>,
    pub rng: SplitMix64,
}

impl<S: Kv> KvWorld<S> {
    pub fn new(imp: S) -> Self {
        KvWorld { imp, keys: (0..KV_KEYS).map(kv_key).collect(), value: kv_value(), rng: SplitMix64::new(SEED_QUERIES) }
    }

    pub fn get(&mut self) -> usize {
        let k = &self.keys[self.rng.below(KV_KEYS)];
        self.imp.get(k.as_bytes())
    }

    pub fn set(&mut self) {
        let k = &self.keys[self.rng.below(KV_KEYS)];
        self.imp.set(k.as_bytes(), &self.value);
    }

    fn draw_ids(&mut self) -> Vec<usize> {
        (0..BATCH).map(|_| self.rng.below(KV_KEYS)).collect()
    }

    pub fn set_batch(&mut self) {
        let ids = self.draw_ids();
        let keys: Vec<&[u8]> = ids.iter().map(|&i| self.keys[i].as_bytes()).collect();
        self.imp.set_batch(&keys, &self.value);
    }

    pub fn get_batch(&mut self) -> usize {
        let ids = self.draw_ids();
        let keys: Vec<&[u8]> = ids.iter().map(|&i| self.keys[i].as_bytes()).collect();
        self.imp.get_batch(&keys)
    }
}

pub struct StoreKv {
    pub db: Store,
    buf: Vec<u8>,
}

impl StoreKv {
    pub fn load() -> store::Result<Self> {
        let db = Store::open_in_memory()?;
        let value = kv_value();
        let keys: Vec<String> = (0..KV_KEYS).map(kv_key).collect();
        for chunk in keys.chunks(10_000) {
            db.set_many(chunk.iter().map(|k| (k.as_str(), value.as_slice(), None)))?;
        }
        Ok(StoreKv { db, buf: Vec::new() })
    }
}

impl Kv for StoreKv {
    fn get(&mut self, key: &[u8]) -> usize {
        // The crate's cheapest read: straight into a buffer the caller reuses.
        assert!(self.db.get_into(key, &mut self.buf).expect("get"), "present");
        read_all(&self.buf)
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.db.set(key, value).expect("set");
    }

    fn set_batch(&mut self, keys: &[&[u8]], value: &[u8]) {
        self.db.set_many(keys.iter().map(|k| (*k, value, None))).expect("set_many");
    }

    fn get_batch(&mut self, keys: &[&[u8]]) -> usize {
        let vals = self.db.get_many(keys).expect("get_many");
        vals.iter().map(|e| e.value().map_or(0, read_all)).sum()
    }
}

/// SQLite: `kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID`, in memory.
pub struct SqliteKv {
    pub conn: Connection,
}

const SQL_GET: &str = "SELECT v FROM kv WHERE k = ?1";
const SQL_SET: &str = "INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)";

impl SqliteKv {
    pub fn load() -> rusqlite::Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID")?;
        let value = kv_value();
        {
            let tx = conn.unchecked_transaction()?;
            {
                let mut st = tx.prepare_cached(SQL_SET)?;
                for i in 0..KV_KEYS {
                    st.execute(params![kv_key(i).as_bytes(), value])?;
                }
            }
            tx.commit()?;
        }
        Ok(SqliteKv { conn })
    }
}

impl Kv for SqliteKv {
    fn get(&mut self, key: &[u8]) -> usize {
        let mut st = self.conn.prepare_cached(SQL_GET).expect("prepare");
        // Read in place (SQLite's cheapest read, as get_into is the store's).
        st.query_row([key], |r| Ok(read_all(r.get_ref(0)?.as_blob()?))).expect("get")
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        let mut st = self.conn.prepare_cached(SQL_SET).expect("prepare");
        st.execute(params![key, value]).expect("set");
    }

    fn set_batch(&mut self, keys: &[&[u8]], value: &[u8]) {
        let tx = self.conn.unchecked_transaction().expect("begin");
        {
            let mut st = tx.prepare_cached(SQL_SET).expect("prepare");
            for k in keys {
                st.execute(params![k, value]).expect("set");
            }
        }
        tx.commit().expect("commit");
    }

    fn get_batch(&mut self, keys: &[&[u8]]) -> usize {
        // One read transaction for the batch, as the store's get_many.
        let tx = self.conn.unchecked_transaction().expect("begin");
        let mut total = 0;
        {
            let mut st = tx.prepare_cached(SQL_GET).expect("prepare");
            for k in keys {
                total += st.query_row([k], |r| Ok(read_all(r.get_ref(0)?.as_blob()?))).expect("get");
            }
        }
        tx.commit().expect("commit");
        total
    }
}

/// The resident set size of this process in bytes (VmRSS).
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_go_side() {
        // The same numbers are checked in bench/go/workload_test.go.
        let mut r = SplitMix64::new(SEED_POINTS);
        assert_eq!(r.next_u64(), 0x910a_2dec_8902_5cc1);
        let p = points(1)[0];
        assert_eq!(rect_text(p), "[566.5615751722809 745.7817572627011 971.0027535867962]");
    }

    #[test]
    fn clustered_points_match_the_go_side() {
        let p = clustered_points(CLUSTERED_N);
        assert_eq!(rect_text(p[0]), "[595.3181420825092 853.5424825725762 315.800469181852]");
        assert_eq!(rect_text(p[CLUSTERED_N - 1]), "[124.49309063922736 695.4367888430033 616.9044875400107]");
    }

    #[test]
    fn pairs_agree() {
        let pts = points(PLAYERS);
        let mut rs = World::new(RStarSpatial::load(&pts), pts.clone());
        assert_eq!(rs.pairs(), PAIRS_AT_LOAD);
        assert_eq!(rs.imp.pairs_join(PAIR_DIST), PAIRS_AT_LOAD);
        let mut sq = World::new(SqliteSpatial::load(&pts).unwrap(), pts.clone());
        // 32-bit boxes rounded outwards may add a pair at the limit.
        let n = sq.pairs();
        assert!((PAIRS_AT_LOAD..=PAIRS_AT_LOAD + 2).contains(&n), "sqlite {n}");
        let mut st = World::new(StoreSpatial::load(&pts).unwrap(), pts.clone());
        assert_eq!(st.pairs(), PAIRS_AT_LOAD);
    }

    #[test]
    fn load_files_open() {
        let pts = points(5_000);
        let dir = std::env::temp_dir().join(format!("store-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let st = StoreSpatial::load(&pts).unwrap();
        st.write_load_file(&dir.join("world.db")).unwrap();
        StoreSpatial::open_file(&dir.join("world.db")).unwrap();
        let db = Store::open(dir.join("world.db")).unwrap();
        let (min, max) = box_around([WORLD / 2.0; 3]);
        let n = db.intersects(StoreSpatial::INDEX, &Rect::new(&min, &max).unwrap(), 0).unwrap().len();
        db.close().unwrap();
        let sq = SqliteSpatial::load(&pts).unwrap();
        sq.write_load_file(&dir.join("world.sqlite")).unwrap();
        let m = SqliteSpatial::open_file(&dir.join("world.sqlite")).unwrap();
        assert!(m >= n && m <= n + 1, "sqlite {m} vs store {n}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn clustered_implementations_agree() {
        let pts = clustered_points(20_000);
        let mut st = World::new(StoreSpatial::load(&pts).unwrap(), pts.clone());
        let mut rs = World::new(RStarSpatial::load(&pts), pts.clone());
        let mut sq = World::new(SqliteSpatial::load(&pts).unwrap(), pts.clone());
        for _ in 0..50 {
            let (a, b, c) = (st.box_on_object(), rs.box_on_object(), sq.box_on_object());
            assert_eq!(a, b);
            assert!(c >= a && c <= a + 3, "sqlite {c} vs {a}");
            let (ka, kb, kc) = (st.knn10_on_object(), rs.knn10_on_object(), sq.knn10_on_object());
            assert_eq!((ka, kb, kc), (K, K, K));
            st.move_one();
            rs.move_one();
            sq.move_one();
        }
        assert_eq!(st.pos, rs.pos);
    }

    #[test]
    fn implementations_agree() {
        let pts = points(20_000);
        let mut st = World::new(StoreSpatial::load(&pts).unwrap(), pts.clone());
        let mut rs = World::new(RStarSpatial::load(&pts), pts.clone());
        let mut sq = World::new(SqliteSpatial::load(&pts).unwrap(), pts.clone());
        for _ in 0..200 {
            let (a, b, c) = (st.box_query(), rs.box_query(), sq.box_query());
            assert_eq!(a, b);
            // SQLite's R*Tree keeps 32-bit floats rounded outwards: it may
            // report an object just outside the box.
            assert!(c >= a && c <= a + 1, "sqlite {c} vs {a}");
            let p = st.rng.point();
            rs.rng.point();
            sq.rng.point();
            let (ka, kb) = (st.imp.knn(p), rs.imp.knn(p));
            assert_eq!(ka, kb);
            assert_eq!(sq.imp.knn(p).len(), K);
            st.move_one();
            rs.move_one();
            sq.move_one();
        }
        let (a, b, c) = (st.box_batch(), rs.box_batch(), sq.box_batch());
        assert_eq!(a, b);
        assert!(c >= a && c <= a + 10, "sqlite {c} vs {a}");
        let (a, b, c) = (st.knn10_batch(), rs.knn10_batch(), sq.knn10_batch());
        assert_eq!((a, b, c), (BATCH * K, BATCH * K, BATCH * K));
        st.move_batch();
        rs.move_batch();
        sq.move_batch();
        assert_eq!(st.pos, rs.pos);
        let n = st.tick();
        assert_eq!(n, rs.tick());
        assert!(sq.tick() >= n);
    }

    #[test]
    fn kv_implementations_work() {
        let mut a = KvWorld::new(StoreKv::load().unwrap());
        let mut b = KvWorld::new(SqliteKv::load().unwrap());
        let sum = read_all(&kv_value());
        assert_eq!(a.get(), sum);
        assert_eq!(b.get(), sum);
        a.set();
        b.set();
        a.set_batch();
        b.set_batch();
        assert_eq!(a.get_batch(), BATCH * sum);
        assert_eq!(b.get_batch(), BATCH * sum);
    }
}
