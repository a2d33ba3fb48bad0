//! The engine's error type and its non-fatal diagnostics.

use std::fmt;

/// Why an engine operation could not produce a result.
///
/// Every variant names the offending indicator, unit or parameter so that a caller can point
/// the user at the cell to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Two structure rows share a code.
    #[error("structure: code {code:?} appears more than once")]
    DuplicateCode {
        /// The repeated code.
        code: String,
    },
    /// A structure row names a parent that is not in the structure.
    #[error("structure: {code:?} names parent {parent:?}, which is not defined")]
    UnknownParent {
        /// The child.
        code: String,
        /// The missing parent.
        parent: String,
    },
    /// No row, or more than one row, has an empty parent.
    #[error("structure: exactly one top aggregate (empty parent) is needed, found {found}")]
    RootCount {
        /// The codes with an empty parent.
        found: String,
    },
    /// A parent is not above its child.
    #[error("structure: parent {parent:?} of {code:?} must have a higher level than its child")]
    ParentLevel {
        /// The child.
        code: String,
        /// The parent.
        parent: String,
    },
    /// An aggregate has no children, or an indicator (level 1) has children.
    #[error("structure: {code:?} at level {level} {problem}")]
    NodeShape {
        /// The node.
        code: String,
        /// Its level.
        level: u32,
        /// What is wrong.
        problem: &'static str,
    },
    /// A weight is negative or not finite, or all weights of a group are zero.
    #[error("weights: {subject}: {problem}")]
    BadWeight {
        /// The node or group.
        subject: String,
        /// What is wrong.
        problem: String,
    },
    /// A data column the configuration refers to is absent.
    #[error("data: column {column:?} is missing")]
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A column has a different length from the unit list.
    #[error("data: column {column:?} has {got} values for {expected} units")]
    LengthMismatch {
        /// The column.
        column: String,
        /// Number of units.
        expected: usize,
        /// Number of values.
        got: usize,
    },
    /// There are too few units (after screening) for the operation.
    #[error("{operation} needs at least {needed} units, found {found}")]
    TooFewUnits {
        /// The operation.
        operation: &'static str,
        /// The minimum.
        needed: usize,
        /// What there was.
        found: usize,
    },
    /// Every value of an indicator is missing.
    #[error("data: indicator {indicator:?} has no values")]
    AllMissing {
        /// The indicator.
        indicator: String,
    },
    /// A method met a value outside its domain (a zero or a negative for a logarithm or ratio).
    #[error("{method}: {subject} has value {value}, but the method requires {requirement}")]
    OutOfDomain {
        /// The method.
        method: &'static str,
        /// Indicator, unit or column.
        subject: String,
        /// The value.
        value: f64,
        /// What the method needs.
        requirement: &'static str,
    },
    /// A method is undefined for a column whose values are all equal.
    #[error("{method}: {subject} is constant, so the method is undefined")]
    Constant {
        /// The method.
        method: &'static str,
        /// The column.
        subject: String,
    },
    /// A pairwise comparison matrix is malformed.
    #[error("ahp: {problem}")]
    Pairwise {
        /// What is wrong.
        problem: String,
    },
    /// A pairwise comparison matrix is too inconsistent to use without forcing.
    #[error(
        "ahp: consistency ratio {cr:.4} of {subject} exceeds {threshold} (revise the comparisons or force)"
    )]
    Inconsistent {
        /// The group the matrix weighs.
        subject: String,
        /// The consistency ratio.
        cr: f64,
        /// The accepted maximum.
        threshold: f64,
    },
    /// A parameter is outside its allowed range.
    #[error("parameter {name}: {problem}")]
    Parameter {
        /// The parameter.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something was done that the user should know about (an outlier treated, a unit screened).
    Info,
    /// A convention replaced an undefined value (a constant indicator, a degenerate range).
    Warning,
}

/// A non-fatal finding of a computation: the result exists, and this says how it was reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The indicator, unit or aggregate concerned.
    pub subject: String,
    /// What happened, lower case, no final period.
    pub message: String,
}

impl Diagnostic {
    /// A warning about `subject`.
    pub fn warning(subject: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            subject: subject.into(),
            message: message.into(),
        }
    }

    /// An informational note about `subject`.
    pub fn info(subject: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.subject, self.message)
    }
}
