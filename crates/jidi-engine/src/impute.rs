//! Imputation of missing values, as COINr's `i_mean`, `i_median`, `i_mean_grp`, `i_median_grp`.

use std::collections::HashMap;

use crate::stats;

/// How missing values are filled.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Imputation {
    /// Leave them missing; aggregation then skips them as COINr does.
    #[default]
    None,
    /// The indicator's mean over all units.
    Mean,
    /// The indicator's median over all units.
    Median,
    /// The indicator's mean within the unit's group (named label column); units whose group has
    /// no value stay missing.
    GroupMean(String),
    /// The indicator's median within the unit's group.
    GroupMedian(String),
}

impl Imputation {
    /// Parses `none`, `mean`, `median`, `group-mean:COL`, `group-median:COL`.
    pub fn parse(text: &str) -> Option<Imputation> {
        match text.split_once(':') {
            None => match text {
                "none" => Some(Imputation::None),
                "mean" => Some(Imputation::Mean),
                "median" => Some(Imputation::Median),
                _ => None,
            },
            Some(("group-mean", col)) if !col.is_empty() => Some(Imputation::GroupMean(col.into())),
            Some(("group-median", col)) if !col.is_empty() => {
                Some(Imputation::GroupMedian(col.into()))
            }
            _ => None,
        }
    }

    /// The grouping column, if any.
    pub fn group_column(&self) -> Option<&str> {
        match self {
            Imputation::GroupMean(c) | Imputation::GroupMedian(c) => Some(c),
            _ => None,
        }
    }
}

/// Fills missing values of one indicator. `groups` must be given for the group methods.
/// Returns the filled values and how many were filled.
pub fn impute(values: &[f64], method: &Imputation, groups: Option<&[String]>) -> (Vec<f64>, usize) {
    let fill_with = |fill: &dyn Fn(usize) -> Option<f64>| {
        let mut n = 0;
        let out = values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if v.is_nan() {
                    match fill(i) {
                        Some(f) => {
                            n += 1;
                            f
                        }
                        None => v,
                    }
                } else {
                    v
                }
            })
            .collect();
        (out, n)
    };
    match method {
        Imputation::None => (values.to_vec(), 0),
        Imputation::Mean => {
            let m = stats::mean(values);
            fill_with(&|_| m)
        }
        Imputation::Median => {
            let m = stats::median(values);
            fill_with(&|_| m)
        }
        Imputation::GroupMean(_) | Imputation::GroupMedian(_) => {
            let groups = groups.expect("group imputation needs the group labels");
            let mut members: HashMap<&str, Vec<f64>> = HashMap::new();
            for (v, g) in values.iter().zip(groups) {
                members.entry(g.as_str()).or_default().push(*v);
            }
            let centre: HashMap<&str, Option<f64>> = members
                .iter()
                .map(|(g, vs)| {
                    let c = if matches!(method, Imputation::GroupMean(_)) {
                        stats::mean(vs)
                    } else {
                        stats::median(vs)
                    };
                    (*g, c)
                })
                .collect();
            fill_with(&|i| centre.get(groups[i].as_str()).copied().flatten())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_median_fills_within_the_group() {
        let groups: Vec<String> = ["a", "a", "a", "b", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (y, n) = impute(
            &[1.0, f64::NAN, 5.0, f64::NAN, f64::NAN],
            &Imputation::GroupMedian("g".into()),
            Some(&groups),
        );
        assert_eq!(n, 1);
        assert_eq!(y[1], 3.0);
        assert!(y[3].is_nan() && y[4].is_nan());
    }
}
