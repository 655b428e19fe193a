//! Regexes as Kusto runs them. `matches regex` is RE2, whose `\d \w \s \b` are ASCII; the
//! `regex` crate's are Unicode. [`ascii_classes`] rewrites those escapes into their ASCII
//! forms (`\d` → `[0-9]`, `\b` → `(?-u:\b)`), leaving every other construct (`.`, `(?i)`
//! folding, `\pL`) as both engines already agree on it.

use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSet, ClassSetItem};

/// The class a Perl escape stands for in RE2, as the inside of a bracket.
fn ascii_body(kind: &ClassPerlKind) -> &'static str {
    match kind {
        ClassPerlKind::Digit => "0-9",
        ClassPerlKind::Word => "0-9A-Za-z_",
        // RE2's \s is [\t\n\f\r ] (no vertical tab).
        ClassPerlKind::Space => r"\t\n\x0C\r ",
    }
}

/// `pattern` with its Perl classes and word boundaries made ASCII. A pattern that does not
/// parse is returned unchanged (compiling it then reports the error).
pub fn ascii_classes(pattern: &str) -> String {
    let Ok(tree) = ast::parse::ParserBuilder::new()
        .nest_limit(200)
        .build()
        .parse(pattern)
    else {
        return pattern.to_string();
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    collect(&tree, &mut edits);
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = pattern.to_string();
    for (start, end, text) in edits {
        if out.is_char_boundary(start) && out.is_char_boundary(end) && start <= end {
            out.replace_range(start..end, &text);
        }
    }
    out
}

/// A Perl class replaced by its ASCII class (`\D` → `[^0-9]`); a bracketed class also works
/// nested inside a bracket.
fn perl_edit(c: &ast::ClassPerl) -> (usize, usize, String) {
    let caret = if c.negated { "^" } else { "" };
    (
        c.span.start.offset,
        c.span.end.offset,
        format!("[{caret}{}]", ascii_body(&c.kind)),
    )
}

fn collect(tree: &Ast, edits: &mut Vec<(usize, usize, String)>) {
    match tree {
        Ast::ClassPerl(c) => edits.push(perl_edit(c)),
        Ast::Assertion(a) => {
            let text = match a.kind {
                ast::AssertionKind::WordBoundary => r"(?-u:\b)",
                ast::AssertionKind::NotWordBoundary => r"(?-u:\B)",
                _ => return,
            };
            edits.push((a.span.start.offset, a.span.end.offset, text.to_string()));
        }
        Ast::ClassBracketed(b) => collect_set(&b.kind, edits),
        Ast::Repetition(r) => collect(&r.ast, edits),
        Ast::Group(g) => collect(&g.ast, edits),
        Ast::Alternation(a) => a.asts.iter().for_each(|x| collect(x, edits)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| collect(x, edits)),
        Ast::Empty(_) | Ast::Flags(_) | Ast::Literal(_) | Ast::Dot(_) | Ast::ClassUnicode(_) => {}
    }
}

fn collect_set(set: &ClassSet, edits: &mut Vec<(usize, usize, String)>) {
    match set {
        ClassSet::Item(item) => collect_item(item, edits),
        ClassSet::BinaryOp(op) => {
            collect_set(&op.lhs, edits);
            collect_set(&op.rhs, edits);
        }
    }
}

fn collect_item(item: &ClassSetItem, edits: &mut Vec<(usize, usize, String)>) {
    match item {
        // Inside a bracket a nested class keeps the set's meaning: `[\d.]` → `[[0-9].]`.
        ClassSetItem::Perl(c) => edits.push(perl_edit(c)),
        ClassSetItem::Bracketed(b) => collect_set(&b.kind, edits),
        ClassSetItem::Union(u) => u.items.iter().for_each(|i| collect_item(i, edits)),
        ClassSetItem::Empty(_)
        | ClassSetItem::Literal(_)
        | ClassSetItem::Range(_)
        | ClassSetItem::Ascii(_)
        | ClassSetItem::Unicode(_) => {}
    }
}

/// Compiles a regex for Kusto semantics (RE2's ASCII classes).
pub fn kusto(pattern: &str) -> Result<regex::Regex, String> {
    build(&ascii_classes(pattern))
}

/// Compiles a regex as written (Sigma semantics in raw mode: Unicode classes).
pub fn build(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(64 << 20)
        .nest_limit(200)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            msg.lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .unwrap_or(msg.lines().last().unwrap_or(""))
                .trim_start_matches("error: ")
                .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_become_ascii() {
        assert_eq!(ascii_classes(r"a\d+\W"), r"a[0-9]+[^0-9A-Za-z_]");
        assert_eq!(ascii_classes(r"[\d.]\s"), r"[[0-9].][\t\n\x0C\r ]");
        assert_eq!(ascii_classes(r"\bx\B"), r"(?-u:\b)x(?-u:\B)");
        assert_eq!(ascii_classes(r"\\d [\\d]"), r"\\d [\\d]");
        assert_eq!(ascii_classes(r"(?i)é\pL"), r"(?i)é\pL");
        assert_eq!(ascii_classes("(unclosed"), "(unclosed");
    }

    #[test]
    fn kusto_and_sigma_differ_only_outside_ascii() {
        let k = kusto(r"^\w+$").unwrap();
        let s = build(r"^\w+$").unwrap();
        assert!(k.is_match("abc_1") && s.is_match("abc_1"));
        assert!(!k.is_match("café") && s.is_match("café"));
        // After `é` (not an ASCII word character) RE2 sees no word boundary before a space.
        assert!(!kusto(r"\bcafé\b").unwrap().is_match("x café y"));
        assert!(build(r"\bcafé\b").unwrap().is_match("x café y"));
        assert!(kusto("(?<!a)b").is_err());
    }
}
