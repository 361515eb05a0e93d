//! Just enough JSON for the values this demo writes: flat objects of
//! numbers, short strings and one `[x,y,z]` array. Anything else reads as
//! `None` (the caller then reports a world it did not write).

/// The text right after `"name":` in `doc`, if the field is there.
fn field<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let tag = format!("\"{name}\":");
    let at = doc.find(&tag)?;
    doc.get(at + tag.len()..).map(str::trim_start)
}

/// The `[x,y,z]` array of field `name`.
pub fn vec3(doc: &str, name: &str) -> Option<[f64; 3]> {
    let rest = field(doc, name)?.strip_prefix('[')?;
    let (body, _) = rest.split_once(']')?;
    let mut out = [0.0; 3];
    let mut parts = body.split(',');
    for slot in &mut out {
        *slot = parts.next()?.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
    }
    parts.next().is_none().then_some(out)
}

/// The whole number in field `name`.
pub fn int(doc: &str, name: &str) -> Option<i64> {
    let rest = field(doc, name)?;
    let end = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    rest.get(..end)?.parse().ok()
}

/// The string in field `name` (no escapes: this demo writes none).
pub fn string<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let rest = field(doc, name)?.strip_prefix('"')?;
    rest.split_once('"').map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_demo_writes() {
        let doc = r#"{"name":"p17","pos":[523.12,0,-4.5],"hp":-3,"score":12}"#;
        assert_eq!(vec3(doc, "pos"), Some([523.12, 0.0, -4.5]));
        assert_eq!(int(doc, "hp"), Some(-3));
        assert_eq!(int(doc, "score"), Some(12));
        assert_eq!(string(doc, "name"), Some("p17"));
        assert_eq!(vec3(r#"{"pos": [1, 2, 3]}"#, "pos"), Some([1.0, 2.0, 3.0]));
    }

    #[test]
    fn anything_else_is_none() {
        assert_eq!(vec3(r#"{"pos":[1,2]}"#, "pos"), None);
        assert_eq!(vec3(r#"{"pos":[1,2,3,4]}"#, "pos"), None);
        assert_eq!(vec3(r#"{"pos":"[1 2 3]"}"#, "pos"), None);
        assert_eq!(vec3(r#"{"pos":[1,2,x]}"#, "pos"), None);
        assert_eq!(vec3("{}", "pos"), None);
        assert_eq!(int(r#"{"hp":"x"}"#, "hp"), None);
        assert_eq!(int(r#"{"hp":}"#, "hp"), None);
        assert_eq!(string(r#"{"name":7}"#, "name"), None);
    }
}
