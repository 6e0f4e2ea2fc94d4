//! Developer aid: prints the findings for a text given as arguments.
fn main() {
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let nz =
        normalize::Normalizer::load(true, &[] as &[&str], normalize::Options::default()).unwrap();
    for m in nz.find(&text) {
        println!("{:?} {:?}", &text[m.start..m.end], m);
    }
}
