//! Filter conditions: rendering, parsing, operator sets and the typed constructors.

use super::*;
use crate::value::tests::Kind;

/// Declares an operator set the way `#[derive(FilterOps)]` does.
macro_rules! ops {
    ($name:ident: $($op:ident),*) => {
        enum $name {}
        impl Operators for $name {
            const ALLOWED: &'static [FilterOp] = &[$(FilterOp::$op),*];
        }
        $(impl Allows<op::$op> for $name {})*
    };
}

ops!(AllOps: Eq, Ne, Gt, Gte, Lt, Lte, Like, In, NotIn, Between, Null);
ops!(EqIn: Eq, In);
ops!(EqLikeIn: Eq, Like, In);

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = crate::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::parse_wire(s)
    }
}

#[test]
fn filter_keys_and_values_render() {
    let cases: [(Filter<i64, AllOps>, &str, &str); 5] = [
        (Filter::eq(3), "filter[status_id]", "3"),
        (Filter::is_in([1, 2, 3]), "filter[status_id][in]", "1,2,3"),
        (Filter::not_in([4, 5]), "filter[status_id][not_in]", "4,5"),
        (Filter::between(1, 9), "filter[status_id][between]", "1,9"),
        (Filter::null(true), "filter[status_id][null]", "true"),
    ];
    for (filter, key, value) in cases {
        assert_eq!(filter.cond().query_key("filter", "status_id"), key);
        assert_eq!(filter.cond().query_value(), value);
        let (field, op) = filter_key("filter", key).unwrap();
        assert_eq!(field, "status_id");
        assert_eq!(Filter::<i64, AllOps>::parse(key, op, value), Ok(filter));
    }
}

#[test]
fn filter_parsing_rejects_what_the_field_does_not_allow() {
    assert_eq!(filter_key("filter", "filter[a][>=]"), Some(("a", Some(">="))));
    assert_eq!(filter_key("filter", "sort"), None);
    assert_eq!(Filter::<i64, AllOps>::parse("k", Some(">="), "5").map(Filter::into_cond), Ok(FilterCond::Gte(5)));
    let err = Filter::<i64, EqIn>::parse("k", Some("like"), "5").unwrap_err();
    assert_eq!(err.to_string(), "invalid query parameter `k`: operator `like` is not allowed here; allowed: eq, in");
    assert_eq!(FilterCond::<i64>::parse(FilterOp::Between, "5"), Err(FilterValueError::BetweenNeedsTwo));
    assert_eq!(FilterCond::<i64>::parse(FilterOp::Null, "maybe"), Err(FilterValueError::NullNeedsBool));
    assert!(matches!(FilterCond::<i64>::parse(FilterOp::In, "1,x"), Err(FilterValueError::Value(_))));
    assert_eq!(
        Filter::<i64, AllOps>::parse("k", Some("between"), "5").unwrap_err().to_string(),
        "invalid query parameter `k`: between takes two comma-separated values"
    );
    assert!(Filter::<i64, AllOps>::parse("k", None, "five").is_err());
    assert!(Filter::<i64, AllOps>::parse("k", Some("near"), "5").is_err());
}

#[test]
fn an_enum_field_parses_its_values_and_takes_text_for_like() {
    let parse = |op, value| Filter::<Kind, EqLikeIn>::parse("filter[type]", op, value);
    assert_eq!(parse(None, "lead"), Ok(Filter::eq(Kind::Lead)));
    assert_eq!(parse(Some("in"), "lead,customer"), Ok(Filter::is_in([Kind::Lead, Kind::Customer])));
    assert_eq!(parse(Some("like"), " ea "), Ok(Filter::like("ea")), "like is text, not a value of the enum");
    assert_eq!(
        parse(None, "guest").unwrap_err().to_string(),
        "invalid query parameter `filter[type]`: unknown ContactType `guest`; allowed values are: lead, customer"
    );
}

#[test]
fn a_field_writes_and_reads_its_pairs() {
    let kinds: Vec<Filter<Kind, EqLikeIn>> = vec![Filter::like("lea"), Filter::is_in([Kind::Customer])];
    let mut pairs = QueryPairs::new();
    kinds.write_pairs("filter", "type", &mut pairs);
    let pairs = pairs.into_pairs();
    let expected = [("filter[type][like]", "lea"), ("filter[type][in]", "customer")];
    assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    let mut parsed: Vec<Filter<Kind, EqLikeIn>> = Vec::new();
    for (key, value) in &pairs {
        let (_, op) = filter_key("filter", key).unwrap();
        parsed.push_pair(key, op, value).unwrap();
    }
    assert_eq!(parsed, kinds);
    assert_eq!(<Vec<Filter<Kind, EqLikeIn>> as FilterField>::OPERATORS, [FilterOp::Eq, FilterOp::Like, FilterOp::In]);
}

#[test]
fn allowed_ops_come_from_the_table() {
    let table: &[(&str, &[FilterOp])] = &[("status_id", &[FilterOp::Eq, FilterOp::In])];
    assert_eq!(allowed_ops(table, "k", "status_id"), Ok(&[FilterOp::Eq, FilterOp::In][..]));
    let err = allowed_ops(table, "filter[name]", "name").unwrap_err();
    assert_eq!(err.to_string(), "invalid query parameter `filter[name]`: unknown filter field `name`; allowed: status_id");
}
