use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
#[derive(Debug)]
enum V { Map(Vec<(Spanned<String>, Spanned<V>)>), Seq(Vec<Spanned<V>>), Str(String), Int(i64), F(f64), B(bool), Null }
impl<'de> Deserialize<'de> for V {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = V;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str("any") }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<V, E> { Ok(V::Str(v.into())) }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<V, E> { Ok(V::Int(v)) }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<V, E> { Ok(V::Int(v as i64)) }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<V, E> { Ok(V::F(v)) }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<V, E> { Ok(V::B(v)) }
            fn visit_unit<E: de::Error>(self) -> Result<V, E> { Ok(V::Null) }
            fn visit_none<E: de::Error>(self) -> Result<V, E> { Ok(V::Null) }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<V, A::Error> { let mut v = vec![]; while let Some(x) = a.next_element()? { v.push(x) } Ok(V::Seq(v)) }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<V, A::Error> { let mut v = vec![]; while let Some(k) = a.next_key()? { let x = a.next_value()?; v.push((k, x)) } Ok(V::Map(v)) }
        }
        d.deserialize_any(Vis)
    }
}
fn main() {
    let y = "a: 1\nb:\n  - x\n  - {c: true, d: ~}\ne: \"hi\"\nf: 1.5\ng: yes\n";
    let v: Spanned<V> = serde_saphyr::from_str(y).unwrap();
    println!("{v:#?}");
    let bad = "a: [1, 2\nb: c";
    match serde_saphyr::from_str::<Spanned<V>>(bad) { Err(e) => println!("ERR {e} loc={:?}", e.location().map(|l| (l.line(), l.column()))), Ok(_) => {} }
    let dup = "a: 1\na: 2\n";
    println!("{:?}", serde_saphyr::from_str::<Spanned<V>>(dup).map(|_| ()).map_err(|e| e.to_string()));
}
