//! `--preprocess`: PostgresML's JSON, `{"<column>": {"impute": ..., "scale": ..., "encode": ...},
//! "*": {...}}`, checked before any data is read; what fits each column is decided once the
//! columns' kinds are known (`Spec::for_column`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::quote;
use crate::data::table::Kind;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Impute {
    /// Missing values are an error, unless the algorithm takes them as they are.
    #[default]
    Error,
    Mean,
    Median,
    Mode,
    Min,
    Max,
    Zero,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    #[default]
    Preserve,
    Standard,
    MinMax,
    MaxAbs,
    Robust,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Encode {
    /// Integer codes in order of first appearance in the train rows.
    #[default]
    Native,
    /// The mean of the target over the train rows of each category.
    Target,
    /// One 0/1 column per category.
    OneHot,
    /// Integer codes in the order given.
    Ordinal(Vec<String>),
}

/// The options given for one column (or `*`): unset ones take the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub impute: Option<Impute>,
    pub scale: Option<Scale>,
    pub encode: Option<Encode>,
}

/// The options that apply to one column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnOptions {
    pub impute: Impute,
    pub scale: Scale,
    pub encode: Encode,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    pub columns: BTreeMap<String, Options>,
    pub every: Options,
}

const IMPUTE: &str = "error, mean, median, mode, min, max, zero";
const SCALE: &str = "preserve, standard, min_max, max_abs, robust";
const ENCODE: &str = "native, target, one_hot, {\"ordinal\": [values in order]}";

impl Spec {
    /// Parses `--preprocess`; every name and value is checked here.
    pub fn parse(json: Option<&str>) -> Result<Spec> {
        let Some(json) = json else {
            return Ok(Spec::default());
        };
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::usage(format!("--preprocess is not valid JSON: {e}")))?;
        let Value::Object(columns) = value else {
            return Err(Error::usage(
                "--preprocess must be a JSON object: {\"column\": {\"impute\": \"mean\"}, \"*\": {...}}",
            ));
        };
        let mut spec = Spec::default();
        for (column, options) in columns {
            let options = Options::parse(&column, &options)?;
            if column == "*" {
                if matches!(options.encode, Some(Encode::Ordinal(_))) {
                    return Err(Error::usage(
                        "--preprocess \"*\": an ordinal order belongs to one column; name it",
                    ));
                }
                spec.every = options;
            } else {
                spec.columns.insert(column, options);
            }
        }
        Ok(spec)
    }

    /// Columns named in the spec that are not among `features`, which is an error (a typo, a
    /// target, an ignored column).
    pub fn check_names(&self, features: &[String]) -> Result<()> {
        if let Some(unknown) = self.columns.keys().find(|c| !features.contains(c)) {
            return Err(Error::usage(format!(
                "--preprocess names column {}, which is not a feature (features: {})",
                quote(unknown),
                crate::data::list(features.iter().map(String::as_str))
            )));
        }
        Ok(())
    }

    /// The options for `column` of `kind`: its own, then `*`'s where they fit the kind. An own
    /// option that does not fit is an error naming both.
    pub fn for_column(&self, column: &str, kind: Kind) -> Result<ColumnOptions> {
        let own = self.columns.get(column).cloned().unwrap_or_default();
        let every = &self.every;
        let misfit = |option: &str, why: &str| {
            Error::usage(format!(
                "--preprocess {}: {option} does not apply to a {} column: {why}",
                quote(column),
                kind.name()
            ))
        };
        let categorical = kind == Kind::Categorical;
        let impute_fits =
            |impute: Impute| !categorical || matches!(impute, Impute::Error | Impute::Mode);
        let impute = match own.impute {
            Some(impute) if !impute_fits(impute) => {
                return Err(misfit(
                    &format!("impute {}", name_of(&impute)),
                    "a category has no mean, median, min, max or zero; use \"mode\"",
                ))
            }
            Some(impute) => impute,
            None => every.impute.filter(|i| impute_fits(*i)).unwrap_or_default(),
        };
        let encode = match own.encode {
            Some(encode) if !categorical && encode != Encode::Native => {
                return Err(misfit(
                    "encode",
                    "only categorical columns are encoded (force one with --categorical)",
                ))
            }
            Some(encode) => encode,
            None if categorical => every.encode.clone().unwrap_or_default(),
            None => Encode::Native,
        };
        let one_hot = encode == Encode::OneHot;
        let scale = match own.scale {
            Some(scale) if one_hot && scale != Scale::Preserve => {
                return Err(misfit(
                    "scale",
                    "one_hot columns are 0 and 1, not scaled (as in PostgresML)",
                ))
            }
            Some(scale) => scale,
            None if one_hot => Scale::Preserve,
            None => every.scale.unwrap_or_default(),
        };
        Ok(ColumnOptions {
            impute,
            scale,
            encode,
        })
    }
}

fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

impl Options {
    fn parse(column: &str, value: &Value) -> Result<Options> {
        let at = |what: String| Error::usage(format!("--preprocess {}: {what}", quote(column)));
        let Value::Object(map) = value else {
            return Err(at(format!(
                "expected an object such as {{\"impute\": \"mean\"}}, found {value}"
            )));
        };
        let mut options = Options::default();
        for (key, value) in map {
            let bad = |accepted: &str| {
                at(format!(
                    "{key} {} is not one of: {accepted}",
                    crate::data::escape(&value.to_string())
                ))
            };
            match key.as_str() {
                "impute" => {
                    options.impute =
                        Some(serde_json::from_value(value.clone()).map_err(|_| bad(IMPUTE))?)
                }
                "scale" => {
                    options.scale =
                        Some(serde_json::from_value(value.clone()).map_err(|_| bad(SCALE))?)
                }
                "encode" => {
                    let encode: Encode =
                        serde_json::from_value(value.clone()).map_err(|_| bad(ENCODE))?;
                    if let Encode::Ordinal(order) = &encode {
                        let mut seen = std::collections::HashSet::new();
                        if order.is_empty() {
                            return Err(at("the ordinal order lists no values".into()));
                        }
                        if let Some(twice) = order.iter().find(|v| !seen.insert(v.as_str())) {
                            return Err(at(format!(
                                "the ordinal order lists {} twice",
                                quote(twice)
                            )));
                        }
                    }
                    options.encode = Some(encode);
                }
                other => {
                    return Err(at(format!(
                        "unknown option {} (options: impute, scale, encode)",
                        quote(other)
                    )))
                }
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        Spec::parse(Some(json)).unwrap_err().to_string()
    }

    #[test]
    fn parses_postgresml_options() {
        let spec = Spec::parse(Some(
            r#"{"a": {"impute": "mean", "scale": "robust"}, "b": {"encode": {"ordinal": ["lo", "hi"]}},
                "*": {"scale": "standard", "encode": "one_hot"}}"#,
        ))
        .unwrap();
        assert_eq!(spec.columns["a"].impute, Some(Impute::Mean));
        assert_eq!(
            spec.columns["b"].encode,
            Some(Encode::Ordinal(vec!["lo".into(), "hi".into()]))
        );
        // "*" applies where it fits: not one_hot to numbers, nor scale to one_hot columns.
        let a = spec.for_column("a", Kind::Number).unwrap();
        assert_eq!(
            (a.impute, a.scale, a.encode),
            (Impute::Mean, Scale::Robust, Encode::Native)
        );
        let c = spec.for_column("c", Kind::Categorical).unwrap();
        assert_eq!((c.scale, c.encode), (Scale::Preserve, Encode::OneHot));
        let b = spec.for_column("b", Kind::Categorical).unwrap();
        assert_eq!(b.scale, Scale::Standard);
    }

    #[test]
    fn errors_name_the_column_and_the_choices() {
        assert_eq!(
            err(r#"{"a": {"impute": "average"}}"#),
            "--preprocess 'a': impute \"average\" is not one of: error, mean, median, mode, min, max, zero"
        );
        assert_eq!(
            err(r#"{"a": {"imput": "mean"}}"#),
            "--preprocess 'a': unknown option 'imput' (options: impute, scale, encode)"
        );
        assert!(err("[1]").contains("must be a JSON object"));
        assert!(err(r#"{"*": {"encode": {"ordinal": ["a"]}}}"#).contains("name it"));
        assert!(err(r#"{"a": {"encode": {"ordinal": ["x", "x"]}}}"#).contains("'x' twice"));
        let spec = Spec::parse(Some(
            r#"{"island": {"impute": "mean"}, "n": {"encode": "target"}}"#,
        ))
        .unwrap();
        assert_eq!(
            spec.for_column("island", Kind::Categorical).unwrap_err().to_string(),
            "--preprocess 'island': impute mean does not apply to a categorical column: a category has no mean, median, min, max or zero; use \"mode\""
        );
        assert!(spec
            .for_column("n", Kind::Number)
            .unwrap_err()
            .to_string()
            .contains("--categorical"));
        assert!(spec
            .check_names(&["n".into()])
            .unwrap_err()
            .to_string()
            .contains("'island'"));
    }
}
