//! A filter condition with an operator the spec does not allow on the field does not compile:
//! `status_id` of List Contacts allows `eq`, `ne`, `in` and `not_in`, so neither `like` nor
//! `between` can be built for it; `type` allows `like` (text), but its values are `ContactType`.

use wacr_models::{ContactType, Filter, ListContactsQuery};

fn main() {
    let mut query = ListContactsQuery::default();
    query.filters.status_id.push(Filter::is_in([1, 2]));
    query.filters.status_id.push(Filter::like("1"));
    query.filters.status_id.push(Filter::between(1, 9));
    query.filters.r#type.push(Filter::like("lea"));
    query.filters.r#type.push(Filter::eq(ContactType::Lead));
    query.filters.r#type.push(Filter::eq("lead"));
}
