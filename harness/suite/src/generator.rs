//! Value generators for `{{ unique.KIND.NAME }}`: a suite declares a pattern
//! per kind (`fin: "[A-HJ-NPR-Z0-9]{17}"`) and the runner draws values from
//! it with a seeded random source, so a run can be reproduced from its seed
//! and a second run never meets the first run's data.
//!
//! A pattern is a small regular-expression subset: literal characters,
//! character classes with ranges (`[A-HJ-NPR-Z0-9]`), `\d`, `\`-escaped
//! literals, and `{n}` / `{n,m}` after an atom. Every value it yields also
//! matches it as a regular expression (anchored), which the tests check.

/// One position of a pattern: the characters it may take and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    chars: Vec<char>,
    min: u32,
    max: u32,
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    pieces: Vec<Piece>,
}

/// A pattern that does not parse; `offset` is the byte offset in the pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
}

fn err(offset: usize, message: impl Into<String>) -> PatternError {
    PatternError {
        offset,
        message: message.into(),
    }
}

/// The longest value a pattern may produce; keeps suites from asking for
/// megabytes by accident.
const MAX_REPEAT: u32 = 256;

impl Generator {
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let chars: Vec<(usize, char)> = pattern.char_indices().collect();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (offset, c) = chars[i];
            match c {
                '[' => {
                    let (class, next) = parse_class(&chars, i + 1, offset)?;
                    pieces.push(Piece {
                        chars: class,
                        min: 1,
                        max: 1,
                    });
                    i = next;
                }
                '\\' => {
                    let Some(&(_, escaped)) = chars.get(i + 1) else {
                        return Err(err(offset, "pattern ends with `\\`"));
                    };
                    let set = if escaped == 'd' {
                        ('0'..='9').collect()
                    } else if escaped.is_ascii_alphanumeric() {
                        return Err(err(offset, format!("unsupported escape `\\{escaped}`")));
                    } else {
                        vec![escaped]
                    };
                    pieces.push(Piece {
                        chars: set,
                        min: 1,
                        max: 1,
                    });
                    i += 2;
                }
                '{' => {
                    let Some(last) = pieces.last_mut() else {
                        return Err(err(offset, "`{` without an atom before it"));
                    };
                    let end = chars[i..]
                        .iter()
                        .position(|&(_, c)| c == '}')
                        .ok_or_else(|| err(offset, "unclosed `{`"))?;
                    let inner: String = chars[i + 1..i + end].iter().map(|&(_, c)| c).collect();
                    let (min, max) = parse_quantifier(&inner).ok_or_else(|| {
                        err(
                            offset,
                            format!("quantifier `{{{inner}}}` must be {{n}} or {{n,m}}"),
                        )
                    })?;
                    if min > max || max > MAX_REPEAT {
                        return Err(err(
                            offset,
                            format!("quantifier `{{{inner}}}` must have n <= m <= {MAX_REPEAT}"),
                        ));
                    }
                    if last.min != 1 || last.max != 1 {
                        return Err(err(offset, "an atom takes one quantifier"));
                    }
                    last.min = min;
                    last.max = max;
                    i += end + 1;
                }
                '(' | ')' | '|' | '*' | '+' | '?' | '.' | '^' | '$' | ']' | '}' => {
                    return Err(err(
                        offset,
                        format!(
                            "`{c}` is not supported in generator patterns (escape it with `\\`)"
                        ),
                    ));
                }
                other => {
                    pieces.push(Piece {
                        chars: vec![other],
                        min: 1,
                        max: 1,
                    });
                    i += 1;
                }
            }
        }
        if pieces.is_empty() {
            return Err(err(0, "empty generator pattern"));
        }
        Ok(Self { pieces })
    }

    /// A value drawn with `random` (called once per random choice).
    pub fn generate(&self, random: &mut impl FnMut() -> u64) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            let span = u64::from(piece.max - piece.min) + 1;
            let count = piece.min + (random() % span) as u32;
            for _ in 0..count {
                let index = (random() % piece.chars.len() as u64) as usize;
                out.push(piece.chars[index]);
            }
        }
        out
    }
}

fn parse_quantifier(inner: &str) -> Option<(u32, u32)> {
    match inner.split_once(',') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = inner.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

/// Parses a class body after `[`; returns its characters and the index after `]`.
fn parse_class(
    chars: &[(usize, char)],
    mut i: usize,
    open: usize,
) -> Result<(Vec<char>, usize), PatternError> {
    let mut set: Vec<char> = Vec::new();
    if chars.get(i).map(|&(_, c)| c) == Some('^') {
        return Err(err(open, "negated classes `[^...]` are not supported"));
    }
    loop {
        let Some(&(offset, c)) = chars.get(i) else {
            return Err(err(open, "unclosed `[`"));
        };
        match c {
            ']' => break,
            '\\' => {
                let Some(&(_, escaped)) = chars.get(i + 1) else {
                    return Err(err(offset, "pattern ends with `\\`"));
                };
                if escaped == 'd' {
                    set.extend('0'..='9');
                } else {
                    set.push(escaped);
                }
                i += 2;
            }
            _ => {
                let is_range = chars.get(i + 1).map(|&(_, c)| c) == Some('-')
                    && chars.get(i + 2).is_some_and(|&(_, c)| c != ']');
                if is_range {
                    let (_, end) = chars[i + 2];
                    if end < c {
                        return Err(err(offset, format!("range `{c}-{end}` is reversed")));
                    }
                    set.extend(c..=end);
                    i += 3;
                } else {
                    set.push(c);
                    i += 1;
                }
            }
        }
    }
    set.sort_unstable();
    set.dedup();
    if set.is_empty() {
        return Err(err(open, "empty character class"));
    }
    Ok((set, i + 1))
}

/// A small deterministic random source (SplitMix64) for generators.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pattern: &str, n: u64) -> Vec<String> {
        let g = Generator::parse(pattern).expect("pattern parses");
        (0..n)
            .map(|seed| {
                let mut rng = SplitMix64::new(seed);
                g.generate(&mut || rng.next_u64())
            })
            .collect()
    }

    #[test]
    fn values_match_the_pattern_as_a_regex() {
        for pattern in [
            "[A-HJ-NPR-Z0-9]{17}",
            "[A-HJ-NPR-Z0-9]{7}",
            "Test[a-z]{3,10}",
            r"\d{11}",
            r"KT\-[1-9][0-9]{0,3}",
            "[A-Z]{1,2} [1-9][0-9]{0,3}",
        ] {
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
            for v in values(pattern, 200) {
                assert!(re.is_match(&v), "{v:?} does not match {pattern}");
            }
        }
    }

    #[test]
    fn every_character_of_a_class_is_used_and_excluded_ones_never() {
        let all: String = values("[A-HJ-NPR-Z]{17}", 200).concat();
        for c in ['I', 'O', 'Q'] {
            assert!(!all.contains(c), "{c} generated");
        }
        for c in ('A'..='H').chain('J'..='N').chain(['P', 'R', 'Z']) {
            assert!(all.contains(c), "{c} never generated");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_value_and_another_seed_another() {
        assert_eq!(values("[A-Z0-9]{17}", 3), values("[A-Z0-9]{17}", 3));
        let v = values("[A-Z0-9]{17}", 50);
        let mut distinct = v.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), v.len());
    }

    #[test]
    fn unsupported_syntax_is_refused_with_its_offset() {
        for (pattern, offset) in [
            ("(ab)", 0),
            ("a|b", 1),
            ("[^a]", 0),
            ("[a-", 0),
            ("a{2", 1),
            ("a{3,2}", 1),
            ("a{999}", 1),
            ("{2}", 0),
            ("", 0),
            (r"\w", 0),
            ("[z-a]", 1),
        ] {
            let e = Generator::parse(pattern).expect_err(pattern);
            assert_eq!(e.offset, offset, "{pattern}: {}", e.message);
        }
    }
}
