//! Developer aid: skeleton and other-language reading skeletons of names.
fn main() {
    for n in std::env::args().skip(1) {
        let sk = normalize::translit::key_skeleton(&normalize::tokens::name_key(&n));
        println!(
            "{n}: {sk} {:?}",
            normalize::translit::reading_skeletons(&n, &sk)
        );
    }
}
