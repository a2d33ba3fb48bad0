//! 统一社会信用代码 (unified social credit code, GB 32100-2015): the check character.
//!
//! A code has 18 characters from `0123456789ABCDEFGHJKLMNPQRTUWXY` (31 symbols: no I, O, S, V,
//! Z). Each of the first 17 is worth its index in that alphabet; with weights 3^(i−1) mod 31
//! (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28) the check character is the
//! symbol worth `31 − (Σ mod 31)`, where 31 stands for 0.
//!
//! Some real codes issued early in pilot regions fail the check, which is why the rule
//! `bad_credit_code` is a warning and not an error.

use crate::finding::{Finding, Rule};

/// The 31 symbols, in value order.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of positions 1–17.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code fails the check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeProblem {
    /// Not 18 characters.
    #[error("a credit code has 18 characters, not {length}")]
    Length {
        /// Characters given.
        length: usize,
    },
    /// A character outside the alphabet (lower-case letters included: codes are upper case).
    #[error("character `{character}` at position {position} is not allowed")]
    BadCharacter {
        /// 1-based position.
        position: usize,
        /// The character.
        character: char,
    },
    /// The 18th character is not the check character of the first 17.
    #[error("check character is `{found}`, the first 17 characters give `{expected}`")]
    BadCheckCharacter {
        /// What the first 17 characters give.
        expected: char,
        /// What the code has.
        found: char,
    },
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

/// The check character of the first 17 characters of `code`, when they are all in the
/// alphabet (`None` otherwise or when shorter).
pub fn check_character(code: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut chars = code.chars();
    for weight in WEIGHTS {
        sum += value_of(chars.next()?)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

/// Checks `code` (surrounding spaces ignored): 18 characters of the alphabet whose last is the
/// check character of the others.
///
/// ```
/// use jidi_collect::uscc::{check_credit_code, CreditCodeProblem};
///
/// assert_eq!(check_credit_code("91110108551385082Q"), Ok(()));
/// assert!(matches!(
///     check_credit_code("91110108551385082A"),
///     Err(CreditCodeProblem::BadCheckCharacter { expected: 'Q', found: 'A' })
/// ));
/// ```
pub fn check_credit_code(code: &str) -> Result<(), CreditCodeProblem> {
    let code = code.trim();
    let length = code.chars().count();
    if length != 18 {
        return Err(CreditCodeProblem::Length { length });
    }
    if let Some((i, c)) = code
        .chars()
        .enumerate()
        .find(|(_, c)| value_of(*c).is_none())
    {
        return Err(CreditCodeProblem::BadCharacter {
            position: i + 1,
            character: c,
        });
    }
    let expected = check_character(code).ok_or(CreditCodeProblem::Length { length })?;
    let found = code.chars().last().unwrap_or(' ');
    if expected == found {
        Ok(())
    } else {
        Err(CreditCodeProblem::BadCheckCharacter { expected, found })
    }
}

/// The `bad_credit_code` finding for `code`, `None` when it passes (locate it with
/// [`Finding::at_row`] and [`Finding::in_column`]).
pub fn credit_code_finding(code: &str) -> Option<Finding> {
    let problem = check_credit_code(code).err()?;
    let shown = code.trim();
    let message = match &problem {
        CreditCodeProblem::Length { length } => {
            format!("统一社会信用代码“{shown}”有 {length} 位，应为 18 位")
        }
        CreditCodeProblem::BadCharacter {
            position,
            character,
        } => format!(
            "统一社会信用代码“{shown}”第 {position} 位“{character}”不是允许的字符（数字及除 I、O、S、V、Z 外的大写字母）"
        ),
        CreditCodeProblem::BadCheckCharacter { expected, found } => format!(
            "统一社会信用代码“{shown}”校验位为“{found}”，按 GB 32100-2015 应为“{expected}”；早期部分代码确实不符合校验规则，如确认无误请说明"
        ),
    };
    Some(
        Finding::new(
            Rule::BadCreditCode,
            "GB 32100-2015 校验通过的 18 位代码",
            message,
        )
        .with_value(shown),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for weight in WEIGHTS {
            assert_eq!(weight, w);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.chars().count(), 31);
    }

    #[test]
    fn problems_are_told_apart() {
        assert_eq!(
            check_credit_code("9111010855138508"),
            Err(CreditCodeProblem::Length { length: 16 })
        );
        assert_eq!(
            check_credit_code("91110108551385082QQ"),
            Err(CreditCodeProblem::Length { length: 19 })
        );
        assert_eq!(
            check_credit_code("9111010855I385082Q"),
            Err(CreditCodeProblem::BadCharacter {
                position: 11,
                character: 'I'
            })
        );
        assert_eq!(
            check_credit_code("91110108551385082q"),
            Err(CreditCodeProblem::BadCharacter {
                position: 18,
                character: 'q'
            })
        );
        assert_eq!(
            check_credit_code("９1110108551385082Q"),
            Err(CreditCodeProblem::BadCharacter {
                position: 1,
                character: '９'
            })
        );
        assert_eq!(check_credit_code(" 91110108551385082Q "), Ok(()));
        assert_eq!(credit_code_finding("91110108551385082Q"), None);
        let f = credit_code_finding("91110108551385082A").unwrap();
        assert_eq!(f.rule, Rule::BadCreditCode);
        assert_eq!(f.severity, crate::Severity::Warning);
        assert!(f.message.contains("应为“Q”"), "{}", f.message);
    }
}
