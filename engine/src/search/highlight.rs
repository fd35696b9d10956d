//! Which field a hit matched and a short snippet with the matching words marked,
//! computed from the stored text: prefixes and typos highlight too.

use model::dto::SnippetPart;

/// Longest snippet shown, in characters.
const SNIPPET_CHARS: usize = 180;

/// A word of `text` matches when it starts with a query word, or is within the
/// typo distance of one.
fn word_matches(word: &str, query_words: &[String]) -> bool {
    let word = word.to_lowercase();
    let word_chars = word.chars().count();
    query_words.iter().any(|q| {
        let (q_chars, allowed) = (q.chars().count(), typo_distance(q));
        // Lengths further apart than the typos allowed cannot match: skipping them keeps
        // a megabyte-long word in a description from costing a megabyte-sized edit distance.
        word.starts_with(q.as_str())
            || (q_chars >= 4 && word_chars.abs_diff(q_chars) <= allowed && edit_distance(&word, q) <= allowed)
    })
}

/// Edit distance allowed for a query word: none for short words, 1 up to 7
/// characters, 2 beyond.
pub fn typo_distance(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(row[j]).min(row[j + 1]) };
            previous = current;
        }
    }
    row[b.len()]
}

/// Byte ranges of the words of `text` (runs of letters and digits).
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The part of `text` a snippet can come from: `radius` bytes either side of the first
/// word that matches (or its start), on character boundaries. Stripping the Markdown of
/// this part only keeps a hit of a megabyte description cheap.
pub fn around_first_match<'t>(text: &'t str, query_words: &[String], radius: usize) -> &'t str {
    let first = word_ranges(text).into_iter().find(|&(s, e)| word_matches(&text[s..e], query_words)).map_or(0, |r| r.0);
    let mut start = first.saturating_sub(radius);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (first + radius).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

pub fn matches(text: &str, query_words: &[String]) -> bool {
    !query_words.is_empty() && word_ranges(text).iter().any(|&(s, e)| word_matches(&text[s..e], query_words))
}

/// A window of `text` around its first match, with matching words highlighted.
pub fn snippet(text: &str, query_words: &[String]) -> Vec<SnippetPart> {
    let ranges: Vec<(usize, usize)> =
        word_ranges(text).into_iter().filter(|&(s, e)| word_matches(&text[s..e], query_words)).collect();
    let first = ranges.first().map(|r| r.0).unwrap_or(0);
    // Start a little before the first match, on a character boundary.
    let mut start = text[..first].char_indices().rev().nth(40).map(|(i, _)| i).unwrap_or(0);
    if start > 0 {
        // Past the whitespace, which may be more than one byte (a no-break space).
        start = text[start..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map(|(i, c)| start + i + c.len_utf8())
            .unwrap_or(start);
    }
    let end = text[start..].char_indices().nth(SNIPPET_CHARS).map(|(i, _)| start + i).unwrap_or(text.len());
    let mut parts = Vec::new();
    let mut push = |s: &str, highlight: bool| {
        if !s.is_empty() {
            parts.push(SnippetPart { text: s.to_string(), highlight });
        }
    };
    if start > 0 {
        push("…", false);
    }
    let mut at = start;
    for &(s, e) in ranges.iter().filter(|&&(s, e)| s >= start && e <= end) {
        push(&text[at..s], false);
        push(&text[s..e], true);
        at = e;
    }
    push(&text[at..end], false);
    if end < text.len() {
        push("…", false);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn prefixes_and_typos_match() {
        assert!(matches("One row per customer", &q(&["cust"])));
        assert!(matches("customers", &q(&["custmers"])));
        assert!(!matches("orders", &q(&["cust"])));
        assert!(!matches("cat", &q(&["cut"])), "short words need an exact prefix");
        assert_eq!(typo_distance("revenue"), 1);
        assert_eq!(typo_distance("customers"), 2);
    }

    #[test]
    fn snippets_mark_the_matching_words() {
        let parts = snippet("Total paid for the order in USD.", &q(&["paid", "usd"]));
        let marked: Vec<&str> = parts.iter().filter(|p| p.highlight).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["paid", "USD"]);
        assert_eq!(parts.iter().map(|p| p.text.as_str()).collect::<String>(), "Total paid for the order in USD.");
    }

    #[test]
    fn a_snippet_may_start_after_a_no_break_space() {
        // The window used to begin one byte into the two-byte space, and slicing there panicked.
        let text = format!("{} needle", "word\u{a0}".repeat(60));
        let parts = snippet(&text, &q(&["needle"]));
        assert!(parts.iter().any(|p| p.highlight && p.text == "needle"));
        let text = format!("{} needle", "word\u{3000}".repeat(60));
        assert!(snippet(&text, &q(&["needle"])).iter().any(|p| p.highlight));
    }

    #[test]
    fn a_megabyte_word_is_not_compared_letter_by_letter() {
        let word = "a".repeat(1_000_000);
        assert!(!matches(&word, &q(&["aaab"])));
        assert!(matches(&word, &q(&["aaaa"])), "a prefix still matches");
        assert!(matches("customers", &q(&["custmers"])), "typos still match");
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let text = format!("{} needle {}", "word ".repeat(100), "tail ".repeat(100));
        let parts = snippet(&text, &q(&["needle"]));
        assert_eq!(parts.first().unwrap().text, "…");
        assert_eq!(parts.last().unwrap().text, "…");
        assert!(parts.iter().any(|p| p.highlight && p.text == "needle"));
        let shown: usize = parts.iter().map(|p| p.text.chars().count()).sum();
        assert!(shown <= SNIPPET_CHARS + 2, "{shown}");
    }
}
