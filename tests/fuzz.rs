//! The fuzz targets (`tests/fuzz_targets/`) as a bounded, deterministic run on every
//! `cargo test`: each replays its committed corpus (`fuzz/corpus/<target>/`, grown by cargo fuzz)
//! and the inputs that once broke it (`tests/fixtures/hostile/<target>/`), then a fixed number of
//! inputs mutated from those with a seeded generator. Longer runs: `fuzz/README.md`.

mod common;
mod fuzz_targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use common::repo;
use fuzz_targets::TARGETS;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Mutated inputs per target: a few seconds in all in release mode.
const MUTATIONS: usize = 20_000;

/// Fragments that readers treat specially, spliced into inputs.
const TOKENS: &[&[u8]] = &[
    b",",
    b"\n",
    b"\r\n",
    b"\"",
    b"\"\"",
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b"1e160",
    b"-1e400",
    b"NaN",
    b"inf",
    b"-0",
    b"9007199254740993",
    b"18446744073709551616",
    b"true",
    b"NA",
    b"99999999999999999999",
    b"'shape': (",
    b"), }",
    b"'descr': '<i8'",
    b"'fortran_order': True",
    b"\x93NUMPY\x02\x00",
    b"{\"",
    b"\": ",
    b"null",
    b"[[[[",
    b"}}",
    b"PGMLCLI\x00",
];

/// Set by the panic hook: a panic in a reader's worker thread does not unwind into the caller.
static PANICKED: AtomicBool = AtomicBool::new(false);

#[test]
fn fuzz_targets_replay_their_corpus_and_survive_mutations() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        default_hook(info);
    }));
    let mut failures = Vec::new();
    for &(name, target) in TARGETS {
        let mut seeds = Vec::new();
        for dir in [
            repo(&format!("fuzz/corpus/{name}")),
            repo(&format!("tests/fixtures/hostile/{name}")),
        ] {
            seeds.extend(files(&dir));
        }
        assert!(seeds.len() >= 5, "{name}: only {} seed inputs", seeds.len());
        let inputs: Vec<Vec<u8>> = seeds.iter().map(|p| std::fs::read(p).unwrap()).collect();
        for (path, input) in seeds.iter().zip(&inputs) {
            failures.extend(run(name, target, input, &path.display().to_string()));
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(name.len() as u64);
        for i in 0..MUTATIONS {
            let input = mutate(&inputs, &mut rng);
            failures.extend(run(name, target, &input, &format!("mutation {i}")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one input; on a panic, keeps the input under target/fuzz-failures/ and says where.
fn run(name: &str, target: fn(&[u8]), input: &[u8], what: &str) -> Option<String> {
    let caught = catch_unwind(AssertUnwindSafe(|| target(input))).is_err();
    if !(caught | PANICKED.swap(false, Ordering::SeqCst)) {
        return None;
    }
    let dir = repo("target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let kept = dir.join(format!("{name}-{}", what.replace(['/', ' '], "_")));
    std::fs::write(&kept, input).unwrap();
    Some(format!(
        "{name} panicked on {what}; input kept in {} (reproduce: cd fuzz && cargo fuzz run {name} {})",
        kept.display(),
        kept.display()
    ))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// One to four random edits of a random seed: flips, overwrites, token insertions, deletions,
/// duplications, splices with another seed, truncation.
fn mutate(seeds: &[Vec<u8>], rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
    let mut data = seeds[rng.gen_range(0..seeds.len())].clone();
    for _ in 0..rng.gen_range(1..=4) {
        let at = rng.gen_range(0..=data.len());
        match rng.gen_range(0..7) {
            0 if at < data.len() => data[at] ^= 1 << rng.gen_range(0..8),
            1 if at < data.len() => data[at] = rng.gen(),
            2 => {
                let token = TOKENS[rng.gen_range(0..TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 if at < data.len() => {
                let end = rng.gen_range(at..=data.len().min(at + 16));
                data.drain(at..end);
            }
            4 if at < data.len() => {
                let end = rng.gen_range(at..=data.len().min(at + 64));
                let copy = data[at..end].to_vec();
                data.splice(at..at, copy);
            }
            5 => {
                let other = &seeds[rng.gen_range(0..seeds.len())];
                let from = rng.gen_range(0..=other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            _ => data.truncate(at),
        }
    }
    data
}
