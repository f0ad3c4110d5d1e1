//! The documents `k2e convert` writes, as an ordered tree: serde_json's map sorts keys (its
//! `preserve_order` feature would change the order of every other JSON k2e prints), and
//! outputs must list fields in the order people expect (apiVersion, kind, metadata, spec).

/// An output value. Numbers are integers: nothing k2e writes (ports, counts, cpu units, MiB,
/// seconds) is fractional.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Value>),
    Map(Map),
}

/// An ordered mapping; inserting an existing key replaces its value in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Inserts only when the value says something (not an empty list or map).
    pub fn insert_some(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        let empty = match &value {
            Value::List(l) => l.is_empty(),
            Value::Map(m) => m.is_empty(),
            Value::Null => true,
            _ => false,
        };
        if !empty {
            self.insert(key, value);
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The map under `key`, created empty when missing (or replacing a non-map).
    pub fn map_mut(&mut self, key: &str) -> &mut Map {
        if !matches!(self.get(key), Some(Value::Map(_))) {
            self.insert(key, Value::Map(Map::new()));
        }
        match self.get_mut(key) {
            Some(Value::Map(m)) => m,
            _ => unreachable!("inserted a map above"),
        }
    }

    /// The list under `key`, created empty when missing (or replacing a non-list).
    pub fn list_mut(&mut self, key: &str) -> &mut Vec<Value> {
        if !matches!(self.get(key), Some(Value::List(_))) {
            self.insert(key, Value::List(Vec::new()));
        }
        match self.get_mut(key) {
            Some(Value::List(l)) => l,
            _ => unreachable!("inserted a list above"),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Puts the keys in `order` first, in that order; other keys follow sorted, so the output
    /// does not depend on the order of the input.
    pub fn sort_by_order(&mut self, order: &[&str]) {
        self.0.sort_by(|(a, _), (b, _)| {
            let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(usize::MAX);
            rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
        });
    }

    /// Keys sorted alphabetically (labels, annotations, docker labels).
    pub fn sort_keys(&mut self) {
        self.0.sort_by(|(a, _), (b, _)| a.cmp(b));
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The same tree as serde_json sees it, for tests and the validators.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Str(s.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<u64> for Value {
    fn from(i: u64) -> Self {
        Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(l)
    }
}

impl From<Vec<String>> for Value {
    fn from(l: Vec<String>) -> Self {
        Value::List(l.into_iter().map(Value::Str).collect())
    }
}

/// `map!{"name" => "web", "essential" => true}`: an ordered map literal.
#[macro_export]
#[doc(hidden)]
macro_rules! convert_map {
    ($($key:expr => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = $crate::convert::value::Map::new();
        $(m.insert($key, $value);)*
        m
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_in_place_and_order_is_stable() {
        let mut m = convert_map! {"b" => 1i64, "a" => 2i64};
        m.insert("b", 3i64);
        assert_eq!(m.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["b", "a"]);
        m.insert("z", true);
        m.sort_by_order(&["z", "b"]);
        assert_eq!(m.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["z", "b", "a"]);
        m.insert_some("empty", Value::List(Vec::new()));
        assert!(!m.contains("empty"));
        assert_eq!(m.map_mut("inner").len(), 0);
        assert_eq!(m.remove("inner"), Some(Value::Map(Map::new())));
    }
}
