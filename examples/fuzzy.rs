//! Developer aid: fuzzy hits of a folded key in the default index.
fn main() {
    let q = std::env::args().nth(1).unwrap();
    let max: u32 = std::env::args().nth(2).map_or(1, |s| s.parse().unwrap());
    let ix = normalize::load::default_index();
    ix.fuzzy(normalize::index::KeyMap::Fold, q.as_bytes(), max, |v, d| {
        let mut l = Vec::new();
        ix.postings(v, &mut l);
        println!(
            "d={d} {:?}",
            l.iter()
                .take(3)
                .map(|a| ix.alias(*a).text)
                .collect::<Vec<_>>()
        );
    });
}
