//! Helpers shared by the benchmarks (each declares `mod common;`): a small deterministic
//! random generator, the median, and peak-memory sampling. Not every benchmark uses all.
#![allow(dead_code)]

use std::process::Child;
use std::time::Duration;

/// xorshift64: deterministic, good enough for generated corpora.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Waits for `child` to exit, sampling its peak resident memory (VmHWM, kB) every 2 ms;
/// returns the largest value seen (0 where `/proc` is not available).
pub fn wait_sampling_peak(child: &mut Child) -> u64 {
    let pid = child.id();
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            for l in s.lines() {
                if let Some(v) = l.strip_prefix("VmHWM:") {
                    peak = peak.max(v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0));
                }
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    peak
}
