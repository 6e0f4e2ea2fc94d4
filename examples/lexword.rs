//! Developer aid: prints what the open-world lexicon knows of each word given.
fn main() {
    use normalize::lexicon::{lookup, Lang};
    for w in std::env::args().skip(1) {
        let key = normalize::fold::fold(&w);
        let e = lookup(&key);
        let langs: Vec<&str> = Lang::ALL
            .iter()
            .filter(|l| e.in_lang(**l))
            .map(|l| if e.common_in(*l) { l.code() } else { "cap" })
            .collect();
        println!(
            "{w} ({key}): langs {langs:?} given {} person {} place {} town {} blocks {}",
            e.is_given_name(),
            e.is_person_name(),
            e.is_place(),
            e.is_town(),
            e.blocks_variant()
        );
    }
}
