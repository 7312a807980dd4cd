//! The unified event schema: one table for GDELT 1.0, GDELT 2.0 and ICEWS.
//!
//! Names are snake_case. Times are UTC: `day` is the event's date as the source
//! dates it; `date_added` is when the source added the record (GDELT's
//! DATEADDED, to the second for GDELT 2.0 and to the day for GDELT 1.0, read as
//! midnight UTC). Partition columns (`source`, `year`, `month`) come from the
//! folder names and are not stored in the files.

use std::sync::{Arc, OnceLock};

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 64-bit integer.
    I64,
    /// 32-bit integer.
    I32,
    /// 8-bit integer.
    I8,
    /// Double.
    F64,
    /// Calendar date.
    Date,
    /// Boolean.
    Bool,
    /// UTF-8 text.
    Str,
    /// Timestamp in seconds, UTC.
    Ts,
}

macro_rules! columns {
    ($($idx:ident = $name:literal : $kind:ident),* $(,)?) => {
        /// Column indices.
        #[allow(missing_docs)]
        pub mod col {
            columns!(@idx 0usize; $($idx),*);
        }
        /// Every column: name and type, in order.
        pub const COLUMNS: &[(&str, Kind)] = &[$(($name, Kind::$kind)),*];
    };
    (@idx $n:expr; $first:ident $(, $rest:ident)*) => {
        pub const $first: usize = $n;
        columns!(@idx $n + 1usize; $($rest),*);
    };
    (@idx $n:expr;) => {
        /// Number of columns.
        pub const COUNT: usize = $n;
    };
}

columns! {
    GLOBAL_EVENT_ID = "global_event_id": I64,
    DAY = "day": Date,
    FRACTION_DATE = "fraction_date": F64,
    A1_CODE = "actor1_code": Str,
    A1_NAME = "actor1_name": Str,
    A1_COUNTRY = "actor1_country_code": Str,
    A1_KNOWN_GROUP = "actor1_known_group_code": Str,
    A1_ETHNIC = "actor1_ethnic_code": Str,
    A1_RELIGION1 = "actor1_religion1_code": Str,
    A1_RELIGION2 = "actor1_religion2_code": Str,
    A1_TYPE1 = "actor1_type1_code": Str,
    A1_TYPE2 = "actor1_type2_code": Str,
    A1_TYPE3 = "actor1_type3_code": Str,
    A2_CODE = "actor2_code": Str,
    A2_NAME = "actor2_name": Str,
    A2_COUNTRY = "actor2_country_code": Str,
    A2_KNOWN_GROUP = "actor2_known_group_code": Str,
    A2_ETHNIC = "actor2_ethnic_code": Str,
    A2_RELIGION1 = "actor2_religion1_code": Str,
    A2_RELIGION2 = "actor2_religion2_code": Str,
    A2_TYPE1 = "actor2_type1_code": Str,
    A2_TYPE2 = "actor2_type2_code": Str,
    A2_TYPE3 = "actor2_type3_code": Str,
    IS_ROOT = "is_root_event": Bool,
    EVENT_CODE = "event_code": Str,
    EVENT_BASE = "event_base_code": Str,
    EVENT_ROOT = "event_root_code": Str,
    QUAD_CLASS = "quad_class": I8,
    GOLDSTEIN = "goldstein": F64,
    NUM_MENTIONS = "num_mentions": I32,
    NUM_SOURCES = "num_sources": I32,
    NUM_ARTICLES = "num_articles": I32,
    AVG_TONE = "avg_tone": F64,
    A1G_TYPE = "actor1_geo_type": I8,
    A1G_NAME = "actor1_geo_fullname": Str,
    A1G_COUNTRY = "actor1_geo_country_code": Str,
    A1G_ADM1 = "actor1_geo_adm1_code": Str,
    A1G_ADM2 = "actor1_geo_adm2_code": Str,
    A1G_LAT = "actor1_geo_lat": F64,
    A1G_LONG = "actor1_geo_long": F64,
    A1G_FEATURE = "actor1_geo_feature_id": Str,
    A2G_TYPE = "actor2_geo_type": I8,
    A2G_NAME = "actor2_geo_fullname": Str,
    A2G_COUNTRY = "actor2_geo_country_code": Str,
    A2G_ADM1 = "actor2_geo_adm1_code": Str,
    A2G_ADM2 = "actor2_geo_adm2_code": Str,
    A2G_LAT = "actor2_geo_lat": F64,
    A2G_LONG = "actor2_geo_long": F64,
    A2G_FEATURE = "actor2_geo_feature_id": Str,
    AG_TYPE = "action_geo_type": I8,
    AG_NAME = "action_geo_fullname": Str,
    AG_COUNTRY = "action_geo_country_code": Str,
    AG_ADM1 = "action_geo_adm1_code": Str,
    AG_ADM2 = "action_geo_adm2_code": Str,
    AG_LAT = "action_geo_lat": F64,
    AG_LONG = "action_geo_long": F64,
    AG_FEATURE = "action_geo_feature_id": Str,
    DATE_ADDED = "date_added": Ts,
    SOURCE_URL = "source_url": Str,
    A1_SECTORS = "actor1_sectors": Str,
    A2_SECTORS = "actor2_sectors": Str,
    A1_COUNTRY_NAME = "actor1_country_name": Str,
    A2_COUNTRY_NAME = "actor2_country_name": Str,
    EVENT_TEXT = "event_text": Str,
    STORY_ID = "story_id": I64,
    SENTENCE = "sentence_number": I32,
    PUBLISHER = "publisher": Str,
    AG_CITY = "action_geo_city": Str,
    AG_DISTRICT = "action_geo_district": Str,
    AG_PROVINCE = "action_geo_province": Str,
    CAMEO_LISTED = "cameo_listed": Bool,
    INGEST_ID = "ingest_id": I64,
    LINE = "line": I64,
}

/// Days since 1970-01-01, as Arrow's `Date32` holds a day.
pub fn days_since_epoch(d: chrono::NaiveDate) -> i32 {
    // 1970-01-01 exists in every calendar chrono supports.
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(chrono::NaiveDate::MIN);
    (d - epoch).num_days() as i32
}

/// The Arrow schema of the event files.
pub fn schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA.get_or_init(|| build(DataType::Utf8)).clone()
}

/// The schema of the batches the parser makes: [`schema`], with text as
/// `Binary`. The text was checked to be UTF-8 when its line was read, so it
/// need not be checked again, value by value, to make an Arrow array; the
/// files still say `Utf8`.
pub fn parsed() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA.get_or_init(|| build(DataType::Binary)).clone()
}

/// The event schema, with text as `text`.
fn build(text: DataType) -> SchemaRef {
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|(name, kind)| {
            let dt = match kind {
                Kind::I64 => DataType::Int64,
                Kind::I32 => DataType::Int32,
                Kind::I8 => DataType::Int8,
                Kind::F64 => DataType::Float64,
                Kind::Date => DataType::Date32,
                Kind::Bool => DataType::Boolean,
                Kind::Str => text.clone(),
                Kind::Ts => DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            };
            let required = matches!(*name, "day" | "ingest_id" | "line");
            Field::new(*name, dt, !required)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_match_names() {
        assert_eq!(COLUMNS.len(), col::COUNT);
        assert_eq!(COLUMNS[col::EVENT_ROOT].0, "event_root_code");
        assert_eq!(COLUMNS[col::LINE].0, "line");
        assert_eq!(schema().fields().len(), col::COUNT);
        for (file, parsed) in schema().fields().iter().zip(parsed().fields()) {
            assert_eq!(file.name(), parsed.name());
            assert_eq!(file.is_nullable(), parsed.is_nullable());
            let text = *file.data_type() == DataType::Utf8;
            assert_eq!(text, *parsed.data_type() == DataType::Binary);
            assert!(text || file.data_type() == parsed.data_type());
        }
    }
}
