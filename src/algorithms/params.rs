//! Hyperparameters: each native algorithm declares its own (sklearn's names and defaults, so the
//! same JSON means the same thing on both runtimes); user JSON is checked against them before any
//! data is read, and the fit reads resolved values with the defaults filled in.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::data::{escape, quote};
use crate::error::{Error, Result};

/// One hyperparameter of a native algorithm.
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: Kind,
    /// The default as JSON text (`"1.0"`, `"null"`, `"\"rbf\""`).
    pub default: &'static str,
    pub help: &'static str,
}

pub enum Kind {
    /// A number in `[min, max]`, or `(min, max]` when `min_exclusive`.
    Float {
        min: f64,
        min_exclusive: bool,
        max: f64,
    },
    /// An integer in `[min, max]`: counts that set the work (trees, restarts, iterations) have a
    /// ceiling, so no flag can ask for an allocation or a run without end.
    Int {
        min: i64,
        max: i64,
    },
    /// An integer, or null for "no limit" / "automatic".
    OptionalInt {
        min: i64,
    },
    Bool,
    Choice(&'static [&'static str]),
    /// One of the names, or a positive number.
    ChoiceOrNumber(&'static [&'static str]),
}

/// Every native algorithm takes `random_state`, which overrides `--seed` for the estimator
/// (not for the split), so PostgresML's `{"random_state": 0}` hyperparameters keep working.
pub const RANDOM_STATE: ParamSpec = ParamSpec {
    name: "random_state",
    kind: Kind::OptionalInt { min: 0 },
    default: "null",
    help: "seed of the estimator's randomness (default: --seed)",
};

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::Float {
                min,
                min_exclusive,
                max,
            } => {
                let lo = if *min_exclusive { "(" } else { "[" };
                let hi = if max.is_finite() {
                    max.to_string()
                } else {
                    "inf".into()
                };
                format!("a number in {lo}{min}, {hi}]")
            }
            Kind::Int { min, max } if *max == i64::MAX => format!("an integer >= {min}"),
            Kind::Int { min, max } => format!("an integer from {min} to {max}"),
            Kind::OptionalInt { min } => format!("an integer >= {min} or null"),
            Kind::Bool => "true or false".into(),
            Kind::Choice(names) => format!("one of {}", quoted(names)),
            Kind::ChoiceOrNumber(names) => format!("one of {} or a positive number", quoted(names)),
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        match self {
            Kind::Float {
                min,
                min_exclusive,
                max,
            } => value
                .as_f64()
                .is_some_and(|v| (if *min_exclusive { v > *min } else { v >= *min }) && v <= *max),
            Kind::Int { min, max } => value.as_i64().is_some_and(|v| v >= *min && v <= *max),
            Kind::OptionalInt { min } => {
                value.is_null() || value.as_i64().is_some_and(|v| v >= *min)
            }
            Kind::Bool => value.is_boolean(),
            Kind::Choice(names) => value.as_str().is_some_and(|s| names.contains(&s)),
            Kind::ChoiceOrNumber(names) => {
                value.as_str().is_some_and(|s| names.contains(&s))
                    || value.as_f64().is_some_and(|v| v > 0.0)
            }
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `--hyperparams`: a JSON object, or nothing.
pub fn parse_json(text: Option<&str>) -> Result<Map<String, Value>> {
    let Some(text) = text else {
        return Ok(Map::new());
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::usage(
            "--hyperparams must be a JSON object, like '{\"alpha\": 0.5}'",
        )),
        Err(e) => Err(Error::usage(format!(
            "--hyperparams is not valid JSON: {e}"
        ))),
    }
}

/// Hyperparameters checked against a spec list, with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    algorithm: String,
    values: BTreeMap<String, Value>,
}

impl Params {
    pub fn validate(
        algorithm: &str,
        specs: &[ParamSpec],
        given: &Map<String, Value>,
    ) -> Result<Params> {
        let all = || specs.iter().chain(std::iter::once(&RANDOM_STATE));
        for (key, value) in given {
            let Some(spec) = all().find(|s| s.name == key) else {
                let names: Vec<&str> = all().map(|s| s.name).collect();
                return Err(Error::usage(format!(
                    "{algorithm} has no hyperparameter {} (it takes: {})",
                    quote(key),
                    names.join(", ")
                )));
            };
            if !spec.kind.accepts(value) {
                return Err(Error::usage(format!(
                    "hyperparameter '{key}' of {algorithm} must be {}, not {}",
                    spec.kind.describe(),
                    escape(&value.to_string())
                )));
            }
        }
        let mut values = BTreeMap::new();
        for spec in all() {
            let value = match given.get(spec.name) {
                Some(v) => v.clone(),
                None => serde_json::from_str(spec.default).map_err(|e| {
                    Error::Usage(format!("default of '{}' is not JSON: {e}", spec.name))
                })?,
            };
            values.insert(spec.name.to_string(), value);
        }
        Ok(Params {
            algorithm: algorithm.to_string(),
            values,
        })
    }

    /// The resolved values, as stored in the model header.
    pub fn to_json(&self) -> Value {
        Value::Object(self.values.clone().into_iter().collect())
    }

    fn get(&self, name: &str) -> Result<&Value> {
        self.values.get(name).ok_or_else(|| {
            Error::fit(format!(
                "{}: hyperparameter '{name}' was not declared",
                self.algorithm
            ))
        })
    }

    fn typed<T>(&self, name: &str, read: impl Fn(&Value) -> Option<T>) -> Result<T> {
        let value = self.get(name)?;
        read(value).ok_or_else(|| {
            Error::fit(format!(
                "{}: hyperparameter '{name}' has the wrong type",
                self.algorithm
            ))
        })
    }

    pub fn f64(&self, name: &str) -> Result<f64> {
        self.typed(name, Value::as_f64)
    }

    pub fn usize(&self, name: &str) -> Result<usize> {
        self.typed(name, |v| v.as_u64().map(|v| v as usize))
    }

    pub fn opt_usize(&self, name: &str) -> Result<Option<usize>> {
        self.typed(name, |v| {
            if v.is_null() {
                Some(None)
            } else {
                v.as_u64().map(|v| Some(v as usize))
            }
        })
    }

    pub fn bool(&self, name: &str) -> Result<bool> {
        self.typed(name, Value::as_bool)
    }

    pub fn str(&self, name: &str) -> Result<&str> {
        self.get(name)?.as_str().ok_or_else(|| {
            Error::fit(format!(
                "{}: hyperparameter '{name}' is not a string",
                self.algorithm
            ))
        })
    }

    /// The value as given: a name or a number.
    pub fn raw(&self, name: &str) -> Result<&Value> {
        self.get(name)
    }

    /// `random_state` when given, else the run's seed.
    pub fn seed(&self, default: u64) -> Result<u64> {
        Ok(self
            .opt_usize(RANDOM_STATE.name)?
            .map_or(default, |s| s as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "alpha",
            kind: Kind::Float {
                min: 0.0,
                min_exclusive: true,
                max: f64::INFINITY,
            },
            default: "1.0",
            help: "",
        },
        ParamSpec {
            name: "kernel",
            kind: Kind::Choice(&["rbf", "linear"]),
            default: "\"rbf\"",
            help: "",
        },
    ];

    fn validate(json: &str) -> Result<Params> {
        Params::validate("algo", SPECS, &parse_json(Some(json))?)
    }

    #[test]
    fn defaults_fill_in() {
        let p = validate(r#"{"alpha": 2}"#).unwrap();
        assert_eq!(p.f64("alpha").unwrap(), 2.0);
        assert_eq!(p.str("kernel").unwrap(), "rbf");
        assert_eq!(p.seed(7).unwrap(), 7);
        assert_eq!(
            validate(r#"{"random_state": 3}"#).unwrap().seed(7).unwrap(),
            3
        );
    }

    #[test]
    fn errors_name_the_key_and_what_is_accepted() {
        assert_eq!(
            validate(r#"{"alpah": 1}"#).unwrap_err().to_string(),
            "algo has no hyperparameter 'alpah' (it takes: alpha, kernel, random_state)"
        );
        assert_eq!(
            validate(r#"{"alpha": "big"}"#).unwrap_err().to_string(),
            "hyperparameter 'alpha' of algo must be a number in (0, inf], not \"big\""
        );
        assert!(validate(r#"{"kernel": "poly"}"#)
            .unwrap_err()
            .to_string()
            .contains("one of \"rbf\", \"linear\""));
        // Keys and values from the command line are escaped and cut like data cells.
        assert_eq!(
            validate("{\"a\\nb\": 1}").unwrap_err().to_string(),
            "algo has no hyperparameter 'a\\nb' (it takes: alpha, kernel, random_state)"
        );
        let long = format!("{{\"alpha\": \"{}\"}}", "x".repeat(100_000));
        let err = validate(&long).unwrap_err().to_string();
        assert!(
            err.ends_with("not \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...(100002 bytes)"),
            "{err}"
        );
        assert!(validate("[1]").is_err());
        assert!(validate("{").is_err());
    }
}
