//! NumPy `.npy` arrays: a 2-D feature matrix, plus a 1-D or 2-D labels array for training.
//! Any integer, float or boolean dtype is accepted; features are read as f64 (booleans as 1/0),
//! labels exactly (an int64 label stays that integer).
//!
//! The reader is pgml-cli's own, small because .npy is: the file is untrusted, so the header is
//! bounded before it is read and the size it declares is checked (with overflow checks) against
//! the bytes that actually arrive before anything is allocated for them.

use std::io::Read;
use std::path::Path;

use ndarray::Array2;

use super::input::{self, open_input};
use super::table::TextColumn;
use super::{check_magnitude, quote, RawTargets};
use crate::error::{Error, Result};

/// Feature names for NPY data, whose columns have none: x0, x1, ...
pub fn feature_names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("x{i}")).collect()
}

pub fn is_npy(path: &Path) -> bool {
    input::extension(path).is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}

/// The features matrix of `path` (`-` = stdin).
pub fn read_features(path: &Path) -> Result<(String, Array2<f64>)> {
    let (source, input) = open_input(path)?;
    let x = features_from(&source, input)?;
    Ok((source, x))
}

/// Labels as raw cells (one `Vec` per target column) so the task decides how to encode them.
pub fn read_labels(path: &Path, rows: usize) -> Result<(String, RawTargets)> {
    let (source, input) = open_input(path)?;
    let raw = labels_from(&source, input)?;
    let count = raw.first().map_or(0, TextColumn::len);
    if count != rows {
        return Err(Error::data(
            &source,
            format!("has {count} labels for {rows} feature rows"),
        ));
    }
    Ok((source, raw))
}

/// A features matrix from any reader; `source` names it in errors. Every value must be NaN (a
/// missing value) or finite and within `MAX_MAGNITUDE`.
pub fn features_from(source: &str, input: impl Read) -> Result<Array2<f64>> {
    let array = read_array(source, input)?;
    let (rows, cols) = array.matrix(source, false)?;
    if cols == 0 {
        return Err(Error::data(source, "has no feature columns"));
    }
    let mut values = Vec::with_capacity(array.len());
    for i in 0..rows {
        for j in 0..cols {
            let v = array.get(array.index(i, j)).to_f64();
            if v.is_nan() {
                values.push(v);
                continue;
            }
            let v = check_magnitude(v).map_err(|why| {
                Error::data(
                    source,
                    format!("row {}, column {}: {v:e} {why}", i + 1, j + 1),
                )
            })?;
            values.push(v);
        }
    }
    Array2::from_shape_vec((rows, cols), values).map_err(|e| Error::data(source, e))
}

/// Labels from any reader: one `Vec` of cells per column, each value as its exact text.
pub fn labels_from(source: &str, input: impl Read) -> Result<RawTargets> {
    let array = read_array(source, input)?;
    let (rows, cols) = array.matrix(source, true)?;
    if cols == 0 {
        return Err(Error::data(source, "has no label columns"));
    }
    Ok((0..cols)
        .map(|j| {
            (0..rows)
                .map(|i| array.get(array.index(i, j)).to_text())
                .collect()
        })
        .collect())
}

/// A header longer than this is refused before it is read (numpy itself refuses 10000 bytes).
const MAX_HEADER_BYTES: usize = 1 << 20;

const MAGIC: &[u8; 6] = b"\x93NUMPY";

struct Array {
    dtype: Dtype,
    shape: Vec<usize>,
    fortran_order: bool,
    data: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Float,
    Int,
    Uint,
    Bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Dtype {
    kind: Kind,
    size: usize,
    big_endian: bool,
}

/// One element as stored.
enum Value {
    F64(f64),
    F32(f32),
    Int(i64),
    Uint(u64),
    Bool(bool),
}

impl Value {
    fn to_f64(&self) -> f64 {
        match *self {
            Value::F64(v) => v,
            Value::F32(v) => f64::from(v),
            Value::Int(v) => v as f64,
            Value::Uint(v) => v as f64,
            Value::Bool(v) => f64::from(u8::from(v)),
        }
    }

    /// The value's exact text (`float_text` for floats).
    fn to_text(&self) -> String {
        match *self {
            Value::F64(v) => float_text(v),
            Value::F32(v) => float_text(v),
            Value::Int(v) => v.to_string(),
            Value::Uint(v) => v.to_string(),
            Value::Bool(v) => u8::from(v).to_string(),
        }
    }
}

/// The shortest text that reads back as `v` in its own type (an f32 as f32: 0.1, not
/// 0.10000000149); far from 1 in exponent form (1e160, not 161 digits).
pub fn float_text<T: std::fmt::Display + std::fmt::LowerExp>(v: T) -> String {
    let plain = v.to_string();
    if plain.len() > 20 {
        format!("{v:e}")
    } else {
        plain
    }
}

fn read_array(source: &str, mut input: impl Read) -> Result<Array> {
    let not_npy = || Error::data(source, "is not a NumPy .npy file");
    let truncated = || Error::data(source, "is truncated (fewer values than its header says)");
    let mut read_exact = |buf: &mut [u8], short: &dyn Fn() -> Error| {
        input.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => short(),
            _ => input::read_error(source, &e),
        })
    };
    let mut prefix = [0u8; 8];
    read_exact(&mut prefix, &not_npy)?;
    if &prefix[..6] != MAGIC {
        return Err(not_npy());
    }
    let header_len = match prefix[6] {
        1 => {
            let mut len = [0u8; 2];
            read_exact(&mut len, &not_npy)?;
            usize::from(u16::from_le_bytes(len))
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            read_exact(&mut len, &not_npy)?;
            usize::try_from(u32::from_le_bytes(len)).unwrap_or(usize::MAX)
        }
        major => {
            return Err(Error::data(
                source,
                format!(
                    "has .npy format version {major}.{}, which pgml-cli does not read",
                    prefix[7]
                ),
            ))
        }
    };
    if header_len > MAX_HEADER_BYTES {
        return Err(Error::data(
            source,
            format!("has a .npy header of {header_len} bytes (at most 1 MiB is read)"),
        ));
    }
    let mut header = vec![0u8; header_len];
    read_exact(&mut header, &not_npy)?;
    let header = std::str::from_utf8(&header).map_err(|_| not_npy())?;
    let (descr, fortran_order, shape) = parse_header(header).ok_or_else(|| {
        Error::data(
            source,
            format!("has an unreadable .npy header {}", quote(header.trim_end())),
        )
    })?;
    let dtype = Dtype::parse(&descr).ok_or_else(|| {
        Error::data(
            source,
            format!(
                "has an unsupported dtype {} (pgml-cli reads integers, floats and booleans)",
                quote(&descr)
            ),
        )
    })?;
    let bytes = shape
        .iter()
        .try_fold(dtype.size, |n, &d| n.checked_mul(d))
        .ok_or_else(|| Error::data(source, "declares a shape too large for any memory"))?;
    // Read what arrives, up to the declared size: a header that claims 10^12 values in a
    // small file costs only the file's size.
    let mut data = Vec::new();
    (&mut input)
        .take(bytes as u64)
        .read_to_end(&mut data)
        .map_err(|e| Error::io(source, e))?;
    if data.len() < bytes {
        return Err(truncated());
    }
    let mut extra = [0u8; 1];
    if input.read(&mut extra).map_err(|e| Error::io(source, e))? > 0 {
        return Err(Error::data(
            source,
            "has more bytes than its header declares (is it a .npy file?)",
        ));
    }
    Ok(Array {
        dtype,
        shape,
        fortran_order,
        data,
    })
}

impl Array {
    fn len(&self) -> usize {
        self.data.len() / self.dtype.size
    }

    /// Rows and columns of a 2-D array, or of a 1-D one (as one column) when `vector_ok`.
    fn matrix(&self, source: &str, vector_ok: bool) -> Result<(usize, usize)> {
        let (rows, cols) = match (self.shape.as_slice(), vector_ok) {
            (&[rows, cols], _) => (rows, cols),
            (&[rows], true) => (rows, 1),
            (shape, _) => {
                return Err(Error::data(
                    source,
                    format!(
                        "is a {}-D array, expected {}",
                        shape.len(),
                        if vector_ok { "1-D or 2-D" } else { "2-D" }
                    ),
                ))
            }
        };
        if rows == 0 {
            return Err(Error::data(source, "has no rows"));
        }
        Ok((rows, cols))
    }

    /// Where element (i, j) is stored.
    fn index(&self, i: usize, j: usize) -> usize {
        let (rows, cols) = (self.shape[0], self.shape.get(1).copied().unwrap_or(1));
        if self.fortran_order {
            j * rows + i
        } else {
            i * cols + j
        }
    }

    fn get(&self, index: usize) -> Value {
        let Dtype {
            kind,
            size,
            big_endian,
        } = self.dtype;
        let raw = &self.data[index * size..(index + 1) * size];
        let mut word = [0u8; 8];
        if big_endian {
            raw.iter().rev().zip(&mut word).for_each(|(b, w)| *w = *b);
        } else {
            word[..size].copy_from_slice(raw);
        }
        let bits = u64::from_le_bytes(word);
        let unused = 64 - 8 * size as u32;
        match kind {
            Kind::Float if size == 4 => Value::F32(f32::from_bits(bits as u32)),
            Kind::Float => Value::F64(f64::from_bits(bits)),
            // Sign-extends from the element's width.
            Kind::Int => Value::Int(((bits << unused) as i64) >> unused),
            Kind::Uint => Value::Uint(bits),
            Kind::Bool => Value::Bool(bits != 0),
        }
    }
}

impl Dtype {
    /// A numpy type string such as `<f8`, `|u1`, `>i4`, `|b1`.
    fn parse(descr: &str) -> Option<Dtype> {
        let (big_endian, rest) = match descr.as_bytes().first()? {
            b'<' | b'|' | b'=' => (false, &descr[1..]),
            b'>' => (true, &descr[1..]),
            _ => (false, descr),
        };
        let (kind, sizes): (Kind, &[usize]) = match rest.as_bytes().first()? {
            b'f' => (Kind::Float, &[4, 8]),
            b'i' => (Kind::Int, &[1, 2, 4, 8]),
            b'u' => (Kind::Uint, &[1, 2, 4, 8]),
            b'b' => (Kind::Bool, &[1]),
            _ => return None,
        };
        let size: usize = rest[1..].parse().ok()?;
        sizes.contains(&size).then_some(Dtype {
            kind,
            size,
            big_endian,
        })
    }
}

/// The header, a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`: descr, fortran order, shape.
fn parse_header(text: &str) -> Option<(String, bool, Vec<usize>)> {
    let mut p = Literal(text.as_bytes());
    let (mut descr, mut fortran_order, mut shape) = (None, None, None);
    p.expect(b'{')?;
    while !p.eat(b'}') {
        let key = p.string()?;
        p.expect(b':')?;
        match key.as_str() {
            "descr" if descr.is_none() => descr = Some(p.string()?),
            "fortran_order" if fortran_order.is_none() => fortran_order = Some(p.boolean()?),
            "shape" if shape.is_none() => shape = Some(p.tuple()?),
            _ => return None,
        }
        if !p.eat(b',') {
            p.expect(b'}')?;
            break;
        }
    }
    p.skip_space();
    p.0.is_empty().then_some(())?;
    Some((descr?, fortran_order?, shape?))
}

/// What is left of a Python literal being parsed.
struct Literal<'a>(&'a [u8]);

impl Literal<'_> {
    fn skip_space(&mut self) {
        while let [b' ' | b'\t' | b'\n' | b'\r', rest @ ..] = self.0 {
            self.0 = rest;
        }
    }

    /// Skips spaces, then `c` if it is next.
    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        match self.0 {
            [first, rest @ ..] if *first == c => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }

    /// A quoted string without escapes (numpy writes none).
    fn string(&mut self) -> Option<String> {
        self.skip_space();
        let (&quote, rest) = self.0.split_first()?;
        if quote != b'\'' && quote != b'"' {
            return None;
        }
        let end = rest.iter().position(|&c| c == quote || c == b'\\')?;
        if rest[end] != quote {
            return None;
        }
        self.0 = &rest[end + 1..];
        String::from_utf8(rest[..end].to_vec()).ok()
    }

    fn boolean(&mut self) -> Option<bool> {
        self.skip_space();
        for (word, value) in [(&b"True"[..], true), (&b"False"[..], false)] {
            if let Some(rest) = self.0.strip_prefix(word) {
                self.0 = rest;
                return Some(value);
            }
        }
        None
    }

    /// A tuple of non-negative integers: `()`, `(3,)`, `(3, 4)` (Python 2 wrote `3L`).
    fn tuple(&mut self) -> Option<Vec<usize>> {
        self.expect(b'(')?;
        let mut values = Vec::new();
        while !self.eat(b')') {
            let digits = self.0.iter().take_while(|c| c.is_ascii_digit()).count();
            let value = std::str::from_utf8(&self.0[..digits]).ok()?.parse().ok()?;
            self.0 = &self.0[digits..];
            self.0 = self.0.strip_prefix(b"L").unwrap_or(self.0);
            values.push(value);
            if !self.eat(b',') {
                self.expect(b')')?;
                break;
            }
        }
        Some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .npy file as numpy writes it (version 1.0).
    fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
        let fortran = if fortran { "True" } else { "False" };
        let mut header =
            format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}");
        while (header.len() + 11) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[1, 0]);
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    fn features(bytes: &[u8]) -> Result<Array2<f64>> {
        features_from("x.npy", bytes)
    }

    fn error(result: Result<impl std::fmt::Debug>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn reads_every_dtype_and_both_orders() {
        let le: Vec<u8> = [1.5f64, -2.0, 3.0, 4.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let x = features(&npy("<f8", false, "(2, 2)", &le)).unwrap();
        assert_eq!(x.row(0).to_vec(), vec![1.5, -2.0]);
        let x = features(&npy("<f8", true, "(2, 2)", &le)).unwrap();
        assert_eq!(x.row(0).to_vec(), vec![1.5, 3.0]);
        let be: Vec<u8> = [-7i16, 300].iter().flat_map(|v| v.to_be_bytes()).collect();
        let x = features(&npy(">i2", false, "(1, 2)", &be)).unwrap();
        assert_eq!(x.row(0).to_vec(), vec![-7.0, 300.0]);
        let x = features(&npy("|u1", false, "(1L, 2L)", &[255, 0])).unwrap();
        assert_eq!(x.row(0).to_vec(), vec![255.0, 0.0]);
        let x = features(&npy("|b1", false, "(2, 1)", &[1, 0])).unwrap();
        assert_eq!(x.column(0).to_vec(), vec![1.0, 0.0]);
        let f32s: Vec<u8> = [0.1f32].iter().flat_map(|v| v.to_le_bytes()).collect();
        let raw = labels_from("y.npy", &npy("<f4", false, "(1,)", &f32s)[..]).unwrap();
        assert_eq!(raw, vec![vec!["0.1".to_string()]]);
        let f64s: Vec<u8> = [1.0, -0.0, 1e160, 2.5e-300]
            .iter()
            .flat_map(|v: &f64| v.to_le_bytes())
            .collect();
        let raw = labels_from("y.npy", &npy("<f8", false, "(4,)", &f64s)[..]).unwrap();
        assert_eq!(raw, vec![vec!["1", "-0", "1e160", "2.5e-300"]]);
    }

    /// int64 labels are read exactly: 2^53 and 2^53 + 1 stay apart.
    #[test]
    fn integer_labels_are_exact() {
        let big: Vec<u8> = [1i64 << 53, (1i64 << 53) + 1, -1, i64::MIN]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let raw = labels_from("y.npy", &npy("<i8", false, "(4,)", &big)[..]).unwrap();
        assert_eq!(
            raw,
            vec![vec![
                "9007199254740992".to_string(),
                "9007199254740993".into(),
                "-1".into(),
                "-9223372036854775808".into()
            ]]
        );
        let raw = labels_from("y.npy", &npy("<u8", false, "(1,)", &[255; 8])[..]).unwrap();
        assert_eq!(raw, vec![vec![u64::MAX.to_string()]]);
    }

    #[test]
    fn hostile_headers_and_sizes_are_refused_before_allocating() {
        // 10^12 values declared, 8 bytes present.
        let huge = npy("<f8", false, "(1000000, 1000000)", &[0; 8]);
        assert_eq!(
            error(features(&huge)),
            "x.npy: is truncated (fewer values than its header says)"
        );
        let overflow = npy("<f8", false, "(4294967296, 4294967296)", &[]);
        assert!(error(features(&overflow)).contains("too large for any memory"));
        let mut long_header = MAGIC.to_vec();
        long_header.extend_from_slice(&[2, 0, 255, 255, 255, 255]);
        assert!(error(features(&long_header)).contains("at most 1 MiB"));
        assert_eq!(
            error(features(&[0u8; 100][..])),
            "x.npy: is not a NumPy .npy file"
        );
        assert!(error(features(&npy("<c16", false, "(1, 1)", &[0; 16])))
            .contains("unsupported dtype '<c16'"));
        assert!(error(features(&npy("<f8", false, "(1,)", &[0; 8]))).contains("1-D array"));
        assert!(error(features(&npy("<f8", false, "(0, 5)", &[]))).contains("no rows"));
        assert!(error(features(&npy("<f8", false, "(1, 1)", &[0; 9]))).contains("more bytes"));
        // A header written to break a terminal is shown escaped.
        let mut forged = npy("<f8", false, "(1, 1)", &[0; 8]);
        forged[20] = b'\n';
        assert!(!error(features(&forged)).contains('\n'));
    }

    #[test]
    fn non_finite_and_huge_values_name_row_and_column() {
        let data: Vec<u8> = [1.0, 2.0, 3.0, 1e160]
            .iter()
            .flat_map(|v: &f64| v.to_le_bytes())
            .collect();
        assert_eq!(
            error(features(&npy("<f8", false, "(2, 2)", &data))),
            "x.npy: row 2, column 2: 1e160 is too large (pgml-cli accepts magnitudes up to 1e150)"
        );
        // NaN is a missing value; infinity is not a value.
        let nan: Vec<u8> = f32::NAN.to_le_bytes().to_vec();
        assert!(features(&npy("<f4", false, "(1, 1)", &nan)).unwrap()[[0, 0]].is_nan());
        let inf: Vec<u8> = f32::INFINITY.to_le_bytes().to_vec();
        assert_eq!(
            error(features(&npy("<f4", false, "(1, 1)", &inf))),
            "x.npy: row 1, column 1: inf is not a finite number"
        );
    }
}
