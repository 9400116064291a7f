//! The field names of a check kind's typed struct, read through serde, so that tests
//! catch a field that is taken but not documented, or documented but not taken.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::check::Kind;

/// A deserializer that records the field names a struct asks for, and stops.
struct Capture(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut Capture {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("fields captured"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Panic unless `T`'s fields are exactly the fields `kind` documents.
pub(crate) fn assert_documented<T: DeserializeOwned>(kind: &Kind) {
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    let mut taken: Vec<&str> = capture.0.unwrap_or_default().to_vec();
    let mut documented: Vec<&str> = kind.fields.iter().map(|f| f.name).collect();
    taken.sort_unstable();
    documented.sort_unstable();
    assert_eq!(
        taken, documented,
        "check kind `{}`: the fields its struct takes and the fields it documents differ",
        kind.name
    );
}
