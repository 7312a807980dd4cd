//! SQL functions for event data, registered in detente's DataFusion session.
//!
//! | function | returns |
//! |---|---|
//! | `cameo_name(code)` | GDELT's label of a CAMEO event code (`'190'` -> `'Use conventional military force, not specified below'`); NULL for a code GDELT does not list |
//! | `cameo_root(code)` | the root (first two digits) of a well-formed event code (`'1823'` -> `'18'`); NULL otherwise |
//! | `cameo_goldstein(code)` | the Goldstein (1992) score GDELT assigns the code; NULL when it has none |
//! | `quad_class_name(q)` | `'verbal cooperation'`, `'material cooperation'`, `'verbal conflict'` or `'material conflict'` for 1 to 4; NULL otherwise |
//! | `dyad(a, b)` | the unordered pair as `'A-B'` with the smaller code first, so that `dyad('USA','RUS') = dyad('RUS','USA') = 'RUS-USA'`; NULL if either is NULL |
//! | `is_state(code)` | whether a CAMEO country code (or ISO3 code) is one of detente's 197 states; NULL for NULL |
//! | `country_name(code)` | the name of a CAMEO country or region code (`'WST'` -> `'The West'`), else of a state's ISO3 code; NULL when unknown |
//! | `iso3(code)` | the ISO3 code of a CAMEO country code (`'ROM'` -> `'ROU'`); other codes unchanged |
//!
//! Every function is immutable, takes any string type (and `quad_class_name`
//! any integer type), and maps NULL to NULL.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use detente_core::cameo;

/// Which function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    CameoName,
    CameoRoot,
    CameoGoldstein,
    QuadClassName,
    Dyad,
    IsState,
    CountryName,
    Iso3,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::CameoName,
        Kind::CameoRoot,
        Kind::CameoGoldstein,
        Kind::QuadClassName,
        Kind::Dyad,
        Kind::IsState,
        Kind::CountryName,
        Kind::Iso3,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::CameoName => "cameo_name",
            Kind::CameoRoot => "cameo_root",
            Kind::CameoGoldstein => "cameo_goldstein",
            Kind::QuadClassName => "quad_class_name",
            Kind::Dyad => "dyad",
            Kind::IsState => "is_state",
            Kind::CountryName => "country_name",
            Kind::Iso3 => "iso3",
        }
    }

    fn returns(self) -> DataType {
        match self {
            Kind::IsState => DataType::Boolean,
            Kind::CameoGoldstein => DataType::Float64,
            _ => DataType::Utf8,
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct EventFunction {
    kind: Kind,
    signature: Signature,
}

/// The event functions, ready to register with a `SessionContext`.
pub fn functions() -> Vec<ScalarUDF> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let signature = match kind {
                Kind::QuadClassName => {
                    Signature::uniform(1, vec![DataType::Int64], Volatility::Immutable)
                }
                Kind::Dyad => Signature::string(2, Volatility::Immutable),
                _ => Signature::string(1, Volatility::Immutable),
            };
            ScalarUDF::new_from_impl(EventFunction { kind, signature })
        })
        .collect()
}

fn state_codes() -> &'static HashSet<String> {
    static CODES: OnceLock<HashSet<String>> = OnceLock::new();
    CODES.get_or_init(|| {
        // The bundled table is checked by detente-core's tests; were it
        // unreadable, no code would count as a state.
        detente_core::reference::states()
            .map(|s| s.into_iter().map(|s| s.iso3).collect())
            .unwrap_or_default()
    })
}

fn state_names() -> &'static std::collections::HashMap<String, String> {
    static NAMES: OnceLock<std::collections::HashMap<String, String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        detente_core::reference::states()
            .map(|s| s.into_iter().map(|s| (s.iso3, s.name)).collect())
            .unwrap_or_default()
    })
}

fn strings(a: &ArrayRef) -> Result<StringArray> {
    let a = cast(a, &DataType::Utf8)?;
    Ok(a.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .unwrap_or_else(|| StringArray::new_null(a.len())))
}

fn map_str(a: &ArrayRef, f: impl Fn(&str) -> Option<String>) -> Result<ArrayRef> {
    let s = strings(a)?;
    let out: StringArray = s.iter().map(|v| v.and_then(&f)).collect();
    Ok(Arc::new(out))
}

/// `dyad(a, b)` for two codes.
pub fn dyad(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}-{b}")
    } else {
        format!("{b}-{a}")
    }
}

impl ScalarUDFImpl for EventFunction {
    fn name(&self) -> &str {
        self.kind.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.kind.returns())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let Some(first) = arrays.first() else {
            return exec_err!("{} takes arguments", self.name());
        };
        let out: ArrayRef = match self.kind {
            Kind::CameoName => map_str(first, |c| {
                cameo::event_codes().get(c).map(|e| e.label.clone())
            })?,
            Kind::CameoRoot => map_str(first, |c| {
                cameo::is_well_formed(c).then(|| c[..2].to_string())
            })?,
            Kind::CameoGoldstein => {
                let s = strings(first)?;
                let out: Float64Array = s
                    .iter()
                    .map(|v| v.and_then(|c| cameo::event_codes().get(c)?.goldstein))
                    .collect();
                Arc::new(out)
            }
            Kind::QuadClassName => {
                let q = cast(first, &DataType::Int64)?;
                let Some(q) = q.as_any().downcast_ref::<Int64Array>() else {
                    return exec_err!("quad_class_name takes an integer");
                };
                let out: StringArray = q
                    .iter()
                    .map(|v| {
                        v.and_then(|v| u8::try_from(v).ok())
                            .and_then(cameo::quad_class_name)
                    })
                    .collect();
                Arc::new(out)
            }
            Kind::Dyad => {
                let Some(second) = arrays.get(1) else {
                    return exec_err!("dyad takes two arguments");
                };
                let (a, b) = (strings(first)?, strings(second)?);
                let out: StringArray = a
                    .iter()
                    .zip(b.iter())
                    .map(|(a, b)| Some(dyad(a?, b?)))
                    .collect();
                Arc::new(out)
            }
            Kind::IsState => {
                let s = strings(first)?;
                let out: BooleanArray = s
                    .iter()
                    .map(|v| v.map(|c| state_codes().contains(cameo::iso3_of_cameo(c))))
                    .collect();
                Arc::new(out)
            }
            Kind::CountryName => map_str(first, |c| {
                cameo::country_codes()
                    .get(c)
                    .or_else(|| state_names().get(c))
                    .cloned()
            })?,
            Kind::Iso3 => map_str(first, |c| Some(cameo::iso3_of_cameo(c).to_string()))?,
        };
        if scalar {
            Ok(ColumnarValue::Scalar(
                datafusion::common::ScalarValue::try_from_array(&out, 0)?,
            ))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyads_are_unordered() {
        assert_eq!(dyad("USA", "RUS"), "RUS-USA");
        assert_eq!(dyad("RUS", "USA"), "RUS-USA");
        assert_eq!(dyad("RUS", "RUS"), "RUS-RUS");
    }

    #[test]
    fn every_function_has_a_distinct_name() {
        let names: HashSet<String> = functions().iter().map(|f| f.name().to_string()).collect();
        assert_eq!(names.len(), Kind::ALL.len());
    }
}
