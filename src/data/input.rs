//! Inputs as users have them: the one place that opens an input file (or stdin), undoing gzip or
//! zstd compression found by its magic bytes (so stdin and any file name work), and the CSV
//! dialect: the delimiter (`--delimiter`, else by extension) and decimal commas.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::csv::Input;
use crate::error::{Error, Result};

/// How a CSV file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// Number cells are written `3,14` (European), read as 3.14.
    pub decimal_comma: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            decimal_comma: false,
        }
    }
}

impl Dialect {
    /// From `--delimiter` and `--decimal-comma`; without `--delimiter`, by the extension of
    /// `path`: `.tsv` and `.tab` (also compressed, `x.tsv.gz`) are tab-separated, others comma.
    pub fn new(delimiter: Option<&str>, decimal_comma: bool, path: &Path) -> Result<Dialect> {
        let delimiter = match delimiter {
            Some(text) => parse_delimiter(text)?,
            None => match extension(path) {
                Some(e) if e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab") => b'\t',
                _ => b',',
            },
        };
        if decimal_comma && delimiter == b',' {
            return Err(Error::usage(
                "--decimal-comma needs a delimiter other than ',' (e.g. --delimiter ';')",
            ));
        }
        Ok(Dialect {
            delimiter,
            decimal_comma,
        })
    }
}

fn parse_delimiter(text: &str) -> Result<u8> {
    let byte = match text {
        "\\t" => b'\t',
        _ if text.eq_ignore_ascii_case("tab") => b'\t',
        _ if text.len() == 1 && text.is_ascii() => text.as_bytes()[0],
        _ => {
            return Err(Error::usage(format!(
                "--delimiter {} is not one ASCII character (write a tab as 'tab' or '\\t')",
                super::quote(text)
            )))
        }
    };
    // The quote and line ends have their own meaning in CSV; a delimiter that is one of them
    // would split nothing or everything.
    if matches!(byte, b'"' | b'\n' | b'\r') {
        return Err(Error::usage(format!(
            "--delimiter {} cannot separate CSV fields (it is a quote or a line end)",
            super::quote(text)
        )));
    }
    Ok(byte)
}

/// `path` without a compression suffix: `x.tsv` for `x.tsv.gz`.
fn uncompressed(path: &Path) -> &Path {
    match (path.extension(), path.file_stem()) {
        (Some(ext), Some(stem))
            if ["gz", "zst", "zstd"]
                .iter()
                .any(|c| ext.eq_ignore_ascii_case(c)) =>
        {
            Path::new(stem)
        }
        _ => path,
    }
}

/// The extension that says what the content is, under any compression suffix: `tsv` for
/// `x.tsv.gz`, `npy` for `x.npy.zst`.
pub fn extension(path: &Path) -> Option<&OsStr> {
    uncompressed(path).extension()
}

/// The file name without its extensions of content and compression: `x` for `x.csv.gz`.
pub fn stem(path: &Path) -> Option<&OsStr> {
    uncompressed(path).file_stem()
}

/// `cell` with its decimal comma made a point, when it is a number written that way: exactly
/// one ',' and otherwise only digits, signs, exponent marks and spaces (`-3,5e2`). Anything
/// else (text, `1.234,5` with a thousands separator) is left as it is.
pub fn decimal_comma(cell: &[u8]) -> Cow<'_, [u8]> {
    let mut commas = cell.iter().filter(|&&b| b == b',');
    let number_like = cell
        .iter()
        .all(|b| b.is_ascii_digit() || b",+-eE".contains(b) || b.is_ascii_whitespace());
    if commas.next().is_some()
        && commas.next().is_none()
        && number_like
        && cell.iter().any(u8::is_ascii_digit)
    {
        Cow::Owned(
            cell.iter()
                .map(|&b| if b == b',' { b'.' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(cell)
    }
}

/// Opens `path`, or standard input for `-`, decompressed when it is gzip or zstd. Returns the
/// name errors give it.
pub fn open_input(path: &Path) -> Result<(String, Input)> {
    if path == Path::new("-") {
        let source = "<stdin>".to_string();
        let input = decompressed(&source, Box::new(std::io::stdin()))?;
        return Ok((source, input));
    }
    let source = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&source, e))?;
    let input = decompressed(&source, Box::new(file))?;
    Ok((source, input))
}

/// Compressed formats, by the magic bytes their streams start with.
const GZIP: &[u8] = &[0x1f, 0x8b];
const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

const BUFFER: usize = 1 << 16;

/// `raw` as its content: decoded by a streaming decoder when it starts with a gzip or zstd magic
/// (memory stays bounded: gzip keeps a 32 KiB window, zstd at most the 128 MiB its decoder
/// allows by default; the record bound applies to the decoded bytes), else as it is.
fn decompressed(source: &str, mut raw: Box<dyn Read + Send>) -> Result<Input> {
    // Read the magic before choosing; a pipe may deliver it in pieces.
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match raw.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(source, e)),
        }
    }
    let whole = std::io::Cursor::new(magic[..got].to_vec()).chain(raw);
    let magic = &magic[..got];
    Ok(if magic.starts_with(GZIP) {
        // Multi-member: `cat a.gz b.gz` and parallel gzip tools write several members.
        Box::new(Decoded {
            format: "gzip",
            inner: flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(
                BUFFER,
                Tagged(whole),
            )),
        })
    } else if magic.starts_with(ZSTD) {
        let decoder = zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(
            BUFFER,
            Tagged(whole),
        ))
        .map_err(|e| Error::io(source, e))?;
        Box::new(Decoded {
            format: "zstd",
            inner: decoder,
        })
    } else {
        Box::new(BufReader::with_capacity(BUFFER, whole))
    })
}

/// The raw file under a decoder: its read errors are tagged, so that `Decoded` tells them (an
/// I/O error) from the decoder's own (corrupt or cut-short data).
struct Tagged<R>(R);

#[derive(Debug)]
struct SourceError(std::io::Error);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceError {}

impl<R: Read> Read for Tagged<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0
            .read(buf)
            .map_err(|e| std::io::Error::new(e.kind(), SourceError(e)))
    }
}

struct Decoded<R> {
    format: &'static str,
    inner: R,
}

/// The decoder's own error: the compressed data is corrupt or cut short. A data error.
#[derive(Debug)]
struct Corrupt {
    format: &'static str,
    why: String,
}

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "is not valid {} data: corrupt or cut short ({})",
            self.format, self.why
        )
    }
}

impl std::error::Error for Corrupt {}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.get_ref().is_some_and(|inner| inner.is::<SourceError>()) {
                e
            } else {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    Corrupt {
                        format: self.format,
                        why: e.to_string(),
                    },
                )
            }
        })
    }
}

/// The error for a failed read of `source`: corrupt compressed data is a data error, anything
/// else an I/O error.
pub fn read_error(source: &str, err: &std::io::Error) -> Error {
    match err.get_ref().and_then(|e| e.downcast_ref::<Corrupt>()) {
        Some(corrupt) => Error::data(source, corrupt),
        None => Error::io(source, std::io::Error::new(err.kind(), err.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn dialect(delimiter: Option<&str>, decimal_comma: bool, path: &str) -> Result<Dialect> {
        Dialect::new(delimiter, decimal_comma, Path::new(path))
    }

    #[test]
    fn delimiter_from_the_flag_else_the_extension() {
        let tab = |path| dialect(None, false, path).unwrap().delimiter;
        assert_eq!(tab("x.csv"), b',');
        assert_eq!(tab("-"), b',');
        assert_eq!(tab("x.tsv"), b'\t');
        assert_eq!(tab("x.TAB"), b'\t');
        assert_eq!(tab("x.tsv.gz"), b'\t');
        assert_eq!(tab("x.tsv.zst"), b'\t');
        assert_eq!(tab("x.csv.gz"), b',');
        assert_eq!(tab("tsv.gz"), b',');
        for (flag, byte) in [
            (";", b';'),
            ("|", b'|'),
            ("\\t", b'\t'),
            ("TAB", b'\t'),
            ("\t", b'\t'),
        ] {
            assert_eq!(dialect(Some(flag), false, "x.tsv").unwrap().delimiter, byte);
        }
        assert_eq!(dialect(Some(","), false, "x.tsv").unwrap().delimiter, b',');
        assert_eq!(stem(Path::new("dir/x.csv.gz")), Some(OsStr::new("x")));
        assert_eq!(stem(Path::new("x.csv")), Some(OsStr::new("x")));
        assert_eq!(extension(Path::new("x.npy.zst")), Some(OsStr::new("npy")));
        assert_eq!(extension(Path::new("x.gz")), None);
    }

    #[test]
    fn bad_delimiters_are_usage_errors_naming_the_flag() {
        for flag in ["ab", "", "é", "\"", "\n"] {
            let err = dialect(Some(flag), false, "x.csv").unwrap_err();
            assert_eq!(err.exit_code(), 2, "{flag}");
            assert!(err.to_string().starts_with("--delimiter "), "{err}");
        }
        let err = dialect(None, true, "x.csv").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--decimal-comma"), "{err}");
        assert!(dialect(Some(";"), true, "x.csv").unwrap().decimal_comma);
        assert!(dialect(None, true, "x.tsv").unwrap().decimal_comma);
    }

    #[test]
    fn decimal_commas_become_points_in_numbers_only() {
        let read =
            |cell: &str| String::from_utf8(decimal_comma(cell.as_bytes()).into_owned()).unwrap();
        assert_eq!(read("3,14"), "3.14");
        assert_eq!(read(" -0,5e-3 "), " -0.5e-3 ");
        assert_eq!(read(",5"), ".5");
        assert_eq!(read("42"), "42");
        assert!(matches!(decimal_comma(b"42"), Cow::Borrowed(_)));
        for kept in ["1,234,5", "1.234,5", "a,b", ",", "yes", "NA", ""] {
            assert_eq!(read(kept), kept);
        }
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        out.write_all(bytes).unwrap();
        out.finish().unwrap()
    }

    fn read_all(input: Vec<u8>) -> Result<Vec<u8>> {
        let mut decoded = decompressed("t", Box::new(std::io::Cursor::new(input)))?;
        let mut out = Vec::new();
        decoded
            .read_to_end(&mut out)
            .map_err(|e| read_error("t", &e))?;
        Ok(out)
    }

    #[test]
    fn gzip_zstd_and_plain_inputs_read_the_same() {
        let text = b"a,b\n1,2\n".repeat(1000);
        assert_eq!(read_all(text.clone()).unwrap(), text);
        assert_eq!(read_all(gzip(&text)).unwrap(), text);
        assert_eq!(
            read_all(zstd::encode_all(&text[..], 3).unwrap()).unwrap(),
            text
        );
        // Concatenated members and frames, as `cat a.gz b.gz` makes them.
        let twice = [gzip(&text), gzip(&text)].concat();
        assert_eq!(read_all(twice).unwrap(), [&text[..], &text[..]].concat());
        let zstd = zstd::encode_all(&text[..], 1).unwrap();
        assert_eq!(
            read_all([&zstd[..], &zstd[..]].concat()).unwrap().len(),
            2 * text.len()
        );
        // Shorter than any magic.
        assert_eq!(read_all(b"a".to_vec()).unwrap(), b"a");
        assert_eq!(read_all(Vec::new()).unwrap(), b"");
    }

    #[test]
    fn cut_short_or_corrupt_compressed_data_is_a_data_error() {
        let text = b"a,b\n1,2\n".repeat(1000);
        let gz = gzip(&text);
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        let mut flipped = gz.clone();
        flipped[20] ^= 0xff;
        for (bad, format) in [
            (gz[..gz.len() / 2].to_vec(), "gzip"),
            (gz[..gz.len() - 4].to_vec(), "gzip"),
            (flipped, "gzip"),
            (zst[..zst.len() / 2].to_vec(), "zstd"),
            ([&gz[..], b"trailing"].concat(), "gzip"),
        ] {
            let err = read_all(bad).unwrap_err();
            assert_eq!(err.exit_code(), 3, "{err}");
            assert!(
                err.to_string().starts_with(&format!(
                    "t: is not valid {format} data: corrupt or cut short ("
                )),
                "{err}"
            );
        }
    }

    /// An error reading the file under the decoder stays an I/O error.
    #[test]
    fn read_errors_under_a_decoder_stay_io_errors() {
        let gz = gzip(b"a\n1\n");
        let failing = std::io::Cursor::new(gz[..10].to_vec()).chain(FailingRead);
        let mut decoded = decompressed("t", Box::new(failing)).unwrap();
        let err = decoded.read_to_end(&mut Vec::new()).unwrap_err();
        let err = read_error("t", &err);
        assert_eq!(err.to_string(), "t: disk on fire");
        assert_eq!(err.exit_code(), 1);
    }

    struct FailingRead;

    impl Read for FailingRead {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
}
