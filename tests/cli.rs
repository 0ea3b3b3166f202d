//! Golden command-line cases: each `tests/cmd/*.toml` runs the binary and compares exit code,
//! stdout and stderr. Bless after a deliberate change with
//! `TRYCMD=overwrite cargo test --release --test cli`, then read the diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
