//! Formulas of derived indicators: arithmetic over other indicators' codes of the same base and
//! period (`profit_total / rev_main * 100`), parsed once, evaluated whenever a component is
//! accepted. A derived indicator is computed, never typed.
//!
//! Written by hand: the grammar is four operators, parentheses, numbers and codes, and no
//! maintained crate offers that without a general scripting language the ministry's files
//! should not reach.

use std::collections::HashMap;
use std::fmt;

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Formula {
    /// A constant.
    Number(f64),
    /// Another indicator's value of the same base and period.
    Code(String),
    /// `a op b`.
    Binary(Box<Formula>, Op, Box<Formula>),
    /// `-a`.
    Negate(Box<Formula>),
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*` (or `×`).
    Mul,
    /// `/` (or `÷`).
    Div,
}

/// Longest formula accepted, in characters.
pub const MAX_FORMULA: usize = 300;

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Code(String),
    Op(char),
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\u{3000}' => i += 1,
            '+' | '-' | '*' | '/' => {
                out.push(Token::Op(c));
                i += 1;
            }
            '×' => {
                out.push(Token::Op('*'));
                i += 1;
            }
            '÷' => {
                out.push(Token::Op('/'));
                i += 1;
            }
            '(' | '（' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' | '）' => {
                out.push(Token::Close);
                i += 1;
            }
            '0'..='9' | '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let x = text
                    .parse::<f64>()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                out.push(Token::Number(x));
            }
            'a'..='z' | '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_lowercase()
                        || chars[i].is_ascii_digit()
                        || chars[i] == '_')
                {
                    i += 1;
                }
                out.push(Token::Code(chars[start..i].iter().collect()));
            }
            other => {
                return Err(format!(
                    "`{other}` is not part of a formula (codes, numbers, + - * / and parentheses)"
                ));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn expression(&mut self) -> Result<Formula, String> {
        let mut left = self.term()?;
        while let Some(Token::Op(c @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.term()?;
            let op = if c == '+' { Op::Add } else { Op::Sub };
            left = Formula::Binary(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Formula, String> {
        let mut left = self.factor()?;
        while let Some(Token::Op(c @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.factor()?;
            let op = if c == '*' { Op::Mul } else { Op::Div };
            left = Formula::Binary(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Formula, String> {
        self.depth += 1;
        if self.depth > 50 {
            return Err("nested too deeply".into());
        }
        let token = self.peek().cloned();
        self.at += 1;
        let f = match token {
            Some(Token::Number(x)) => Formula::Number(x),
            Some(Token::Code(c)) => Formula::Code(c),
            Some(Token::Op('-')) => Formula::Negate(Box::new(self.factor()?)),
            Some(Token::Open) => {
                let inner = self.expression()?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a parenthesis is not closed".into());
                }
                self.at += 1;
                inner
            }
            Some(other) => return Err(format!("unexpected {other:?}")),
            None => return Err("the formula ends too early".into()),
        };
        self.depth -= 1;
        Ok(f)
    }
}

impl Formula {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Formula, String> {
        if text.chars().count() > MAX_FORMULA {
            return Err(format!("longer than {MAX_FORMULA} characters"));
        }
        let tokens = tokens(text)?;
        if tokens.is_empty() {
            return Err("empty".into());
        }
        let mut p = Parser {
            tokens,
            at: 0,
            depth: 0,
        };
        let f = p.expression()?;
        if p.at != p.tokens.len() {
            return Err(format!("unexpected {:?}", p.tokens[p.at]));
        }
        Ok(f)
    }

    /// The codes it reads, each once, in order of appearance.
    pub fn codes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Formula::Number(_) => {}
            Formula::Code(c) => {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
            Formula::Binary(a, _, b) => {
                a.collect(out);
                b.collect(out);
            }
            Formula::Negate(a) => a.collect(out),
        }
    }

    /// The value given the components' values; `None` when one is missing or the result is not
    /// finite (a division by zero gives no figure rather than an infinite one).
    pub fn eval(&self, values: &HashMap<&str, f64>) -> Option<f64> {
        let x = match self {
            Formula::Number(x) => *x,
            Formula::Code(c) => *values.get(c.as_str())?,
            Formula::Negate(a) => -a.eval(values)?,
            Formula::Binary(a, op, b) => {
                let (a, b) = (a.eval(values)?, b.eval(values)?);
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                }
            }
        };
        x.is_finite().then_some(x)
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Formula::Number(x) => write!(f, "{}", jidi_tabular::format_number(*x)),
            Formula::Code(c) => f.write_str(c),
            Formula::Negate(a) => write!(f, "-({a})"),
            Formula::Binary(a, op, b) => {
                let op = match op {
                    Op::Add => "+",
                    Op::Sub => "-",
                    Op::Mul => "*",
                    Op::Div => "/",
                };
                write!(f, "({a} {op} {b})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_parentheses_and_missing_values() {
        let f = Formula::parse("profit_total / rev_main * 100").unwrap();
        assert_eq!(f.codes(), vec!["profit_total", "rev_main"]);
        let v = HashMap::from([("profit_total", 5.0), ("rev_main", 50.0)]);
        assert_eq!(f.eval(&v), Some(10.0));
        let g = Formula::parse("(a + b) × 2 - -c ÷ 4").unwrap();
        let v = HashMap::from([("a", 1.0), ("b", 2.0), ("c", 8.0)]);
        assert_eq!(g.eval(&v), Some(8.0));
        assert_eq!(g.eval(&HashMap::from([("a", 1.0)])), None);
        assert_eq!(
            Formula::parse("a / b")
                .unwrap()
                .eval(&HashMap::from([("a", 1.0), ("b", 0.0)])),
            None
        );
    }

    #[test]
    fn bad_formulas_say_why() {
        for bad in ["", "a +", "(a", "a b", "营收/2", "1..2", &"(".repeat(400)] {
            assert!(Formula::parse(bad).is_err(), "{bad}");
        }
        assert!(Formula::parse(&format!("{}a{}", "(".repeat(60), ")".repeat(60))).is_err());
    }
}
