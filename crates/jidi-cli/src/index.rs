//! `jidi index` and `jidi weights`: the evaluation engine on CSV files. The command-line contract
//! (file formats, options, output columns) is documented in docs/INDEX-CLI.md and must stay stable.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use jidi_engine::aggregate::Aggregation;
use jidi_engine::impute::Imputation;
use jidi_engine::normalise::{Direction, IndicatorReference, Normalisation};
use jidi_engine::pipeline::{
    self, AhpOptions, Dataset, PairwiseMatrix, PipelineConfig, Treatment, Weighting,
};
use jidi_engine::rank::TieRule;
use jidi_engine::scenario::{Alternatives, Group};
use jidi_engine::structure::{NodeSpec, Structure};
use jidi_engine::treat::WinsoriseConfig;
use jidi_engine::uncertainty::{self, UncertaintyConfig};
use jidi_engine::weights::{AhpMethod, Convention, RandomIndex};

/// `jidi index`.
#[derive(Args, Debug)]
pub struct IndexArgs {
    /// DATA.csv: a column `unit`, then one column per indicator (empty = missing); more columns may
    /// serve as groups or denominators.
    #[arg(long)]
    data: PathBuf,
    /// STRUCTURE.csv: columns code,parent,level,direction,weight, optional name,denominator,
    /// goalpost_low,goalpost_high,benchmark.
    #[arg(long)]
    structure: PathBuf,
    /// Divide indicators by their `denominator` column.
    #[arg(long)]
    denominate: bool,
    /// none | mean | median | group-mean:COL | group-median:COL.
    #[arg(long, default_value = "none")]
    impute: String,
    /// Drop units with less than this share of indicator values (0–1), measured before imputation.
    #[arg(long)]
    screen: Option<f64>,
    /// none | winsorise[:WINMAX] (COINr's: skew ≥ 2 and kurtosis ≥ 3.5, else log).
    #[arg(long, default_value = "none")]
    treat: String,
    /// minmax:L:U | zscore:M:S | rank | borda | prank | fracmax | dist2max | goalposts[:SCALE] |
    /// benchmark[:SCALE[:CAP]] | floor:F:S | vector | sum | max | linear | none.
    #[arg(long, default_value = "minmax:0:100")]
    normalise: String,
    /// structure | equal | entropy[:pymcdm|pydecision] | critic[:pymcdm|pydecision] | std | variance | ahp:FILE.
    #[arg(long, default_value = "structure")]
    weights: String,
    #[command(flatten)]
    ahp: AhpArgs,
    /// amean | gmean | hmean | genmean:P | topsis[:vector|:minmax] | vikor[:V] | copeland; or a
    /// comma-separated list, one per aggregate level from the lowest.
    #[arg(long, default_value = "amean")]
    aggregate: String,
    /// Tie rule of the ranks: min (COINr) | average (pymcdm) | max.
    #[arg(long, default_value = "min")]
    ties: String,
    /// Monte Carlo replications of the uncertainty analysis (adds rank_median,rank_p05,rank_p95).
    #[arg(long)]
    uncertainty: Option<usize>,
    /// Seed of the uncertainty analysis.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Weight noise of the uncertainty analysis (0.25 = ±25 %).
    #[arg(long, default_value_t = 0.25)]
    ua_noise: f64,
    /// Relative measurement error on every value in the uncertainty analysis (0.05 = ±5 %).
    #[arg(long, default_value_t = 0.0)]
    ua_data_noise: f64,
    /// Normalisation alternatives of the uncertainty analysis, comma-separated.
    #[arg(long)]
    ua_normalise: Option<String>,
    /// Aggregation alternatives of the uncertainty analysis, comma-separated.
    #[arg(long)]
    ua_aggregate: Option<String>,
    /// Switch winsorisation on and off in the uncertainty analysis.
    #[arg(long)]
    ua_treat: bool,
    /// Leave one indicator out in each replication (or none).
    #[arg(long)]
    ua_drop_one: bool,
    /// RESULTS.csv (`-` for standard output).
    #[arg(long)]
    out: PathBuf,
    /// Print the treatment report and the engine's notes to standard error.
    #[arg(long)]
    report: bool,
}

/// `jidi weights`.
#[derive(Args, Debug)]
pub struct WeightsArgs {
    /// DATA.csv (as for `jidi index`).
    #[arg(long)]
    data: PathBuf,
    /// STRUCTURE.csv (as for `jidi index`).
    #[arg(long)]
    structure: PathBuf,
    /// entropy | critic | std | variance | equal | ahp:PAIRWISE.csv.
    #[arg(long)]
    method: String,
    /// Where pymcdm and pyDecision disagree (entropy and CRITIC with cost columns, zeros): pymcdm | pydecision.
    #[arg(long, default_value = "pymcdm")]
    convention: String,
    #[command(flatten)]
    ahp: AhpArgs,
    /// Print effective weights (products down the tree) instead of weights within each group.
    #[arg(long)]
    effective: bool,
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}

/// Reads DATA.csv: units, numeric columns (empty = missing), and every column as labels.
pub fn read_data(path: &Path, numeric_needed: &[String]) -> anyhow::Result<Dataset> {
    let name = file_name(path);
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = jidi_tabular::read_csv(&name, &bytes)?;
    let Some(unit_col) = table.column(&["unit"]) else {
        bail!(
            "{name}: row 1: the first column must be `unit` (found {:?})",
            table.header.first().map(String::as_str).unwrap_or("")
        );
    };
    let mut seen = HashMap::new();
    for (i, h) in table.header.iter().enumerate() {
        if h.is_empty() {
            bail!("{name}: row 1, column {}: an empty column name", i + 1);
        }
        if let Some(prev) = seen.insert(h.as_str(), i) {
            bail!(
                "{name}: row 1: column {h:?} appears twice (columns {} and {})",
                prev + 1,
                i + 1
            );
        }
    }
    let units: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.cells[unit_col].clone())
        .collect();
    for (r, u) in table.rows.iter().zip(&units) {
        if u.is_empty() {
            bail!("{name}: row {}, column unit: the unit is empty", r.number);
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(units.len());
    for (r, u) in table.rows.iter().zip(&units) {
        if let Some(first) = seen.insert(u.as_str(), r.number) {
            bail!(
                "{name}: row {}, column unit: unit {u:?} appears again (first on row {first})",
                r.number
            );
        }
    }
    let mut data = Dataset::new(units);
    for (i, h) in table.header.iter().enumerate() {
        if i == unit_col {
            continue;
        }
        let labels: Vec<String> = table
            .rows
            .iter()
            .map(|r| r.cells.get(i).cloned().unwrap_or_default())
            .collect();
        let strict = numeric_needed.iter().any(|c| c == h);
        let mut values = Vec::with_capacity(labels.len());
        let mut numeric = true;
        for (r, text) in table.rows.iter().zip(&labels) {
            let t = text.trim();
            if t.is_empty() || t.eq_ignore_ascii_case("na") {
                values.push(f64::NAN);
                continue;
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => {
                    if strict {
                        bail!(
                            "{name}: row {}, column {h}: {t:?} is not a number (leave the cell empty for a missing value)",
                            r.number
                        );
                    }
                    numeric = false;
                    break;
                }
            }
        }
        if numeric {
            data.insert_numeric(h, values)?;
        }
        data.insert_labels(h, labels)?;
    }
    Ok(data)
}

/// Reads STRUCTURE.csv.
pub fn read_structure(path: &Path) -> anyhow::Result<Structure> {
    let name = file_name(path);
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = jidi_tabular::read_csv(&name, &bytes)?;
    let col = |n: &str| table.column(&[n]);
    for required in ["code", "parent", "level", "direction", "weight"] {
        if col(required).is_none() {
            bail!(
                "{name}: row 1: required column {required:?} is missing (columns: code,parent,level,direction,weight[,name,denominator,goalpost_low,goalpost_high,benchmark])"
            );
        }
    }
    let known = [
        "code",
        "parent",
        "level",
        "direction",
        "weight",
        "name",
        "denominator",
        "goalpost_low",
        "goalpost_high",
        "benchmark",
    ];
    for (i, h) in table.header.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            bail!("{name}: row 1, column {}: unknown column {h:?}", i + 1);
        }
    }
    let mut specs = Vec::new();
    for r in &table.rows {
        let cell = |n: &str| {
            col(n)
                .and_then(|i| r.cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let at = |n: &str| format!("{name}: row {}, column {n}", r.number);
        let code = cell("code");
        if code.is_empty() {
            bail!("{}: the code is empty", at("code"));
        }
        let level: u32 = cell("level").parse().map_err(|_| {
            anyhow::anyhow!(
                "{}: {:?} is not a level (1 for indicators, 2 and above for aggregates)",
                at("level"),
                cell("level")
            )
        })?;
        let direction = match cell("direction") {
            "" if level > 1 => Direction::Benefit,
            d => Direction::parse(d)
                .ok_or_else(|| anyhow::anyhow!("{}: {d:?} must be 1 or -1", at("direction")))?,
        };
        let weight = match cell("weight") {
            "" => 1.0,
            w => w
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| {
                    anyhow::anyhow!("{}: {w:?} is not a non-negative number", at("weight"))
                })?,
        };
        let num = |n: &str| -> anyhow::Result<Option<f64>> {
            match cell(n) {
                "" => Ok(None),
                v => v
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| anyhow::anyhow!("{}: {v:?} is not a number", at(n))),
            }
        };
        let goalposts = match (num("goalpost_low")?, num("goalpost_high")?) {
            (Some(l), Some(h)) => Some((l, h)),
            (None, None) => None,
            _ => bail!(
                "{}: give both goalpost_low and goalpost_high",
                at("goalpost_low")
            ),
        };
        specs.push(NodeSpec {
            code: code.to_string(),
            parent: Some(cell("parent").to_string()).filter(|p| !p.is_empty()),
            level,
            direction,
            weight,
            name: Some(cell("name").to_string()).filter(|p| !p.is_empty()),
            denominator: Some(cell("denominator").to_string()).filter(|p| !p.is_empty()),
            reference: IndicatorReference {
                goalposts,
                benchmark: num("benchmark")?,
            },
        });
    }
    Structure::new(specs).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

fn parse_convention(text: Option<&str>, default: &str) -> anyhow::Result<Convention> {
    let t = text.unwrap_or(default);
    Convention::parse(t)
        .ok_or_else(|| anyhow::anyhow!("convention {t:?} must be pymcdm or pydecision"))
}

/// The AHP options that `jidi index` and `jidi weights` share.
#[derive(clap::Args, Debug)]
pub struct AhpArgs {
    /// AHP random-index table: saaty | tummala-ling.
    #[arg(long, default_value = "saaty")]
    random_index: String,
    /// AHP weights: eigen | geometric | mean.
    #[arg(long, default_value = "eigen")]
    ahp_method: String,
    /// Use AHP weights even when the consistency ratio exceeds 0.1.
    #[arg(long)]
    force: bool,
}

fn ahp_options(args: &AhpArgs) -> anyhow::Result<AhpOptions> {
    let random_index = &args.random_index;
    Ok(AhpOptions {
        method: match args.ahp_method.as_str() {
            "eigen" | "eigenvector" => AhpMethod::Eigenvector,
            "geometric" => AhpMethod::GeometricMean,
            "mean" => AhpMethod::ColumnMean,
            other => bail!("--ahp-method {other:?} must be eigen, geometric or mean"),
        },
        random_index: RandomIndex::parse(random_index).ok_or_else(|| {
            anyhow::anyhow!("--random-index {random_index:?} must be saaty or tummala-ling")
        })?,
        max_cr: 0.1,
        force: args.force,
    })
}

/// Reads a pairwise-comparison file: blocks, each a header row `code,<c1>,<c2>,…` followed by one
/// row per code. Values may be fractions such as `1/3`.
pub fn read_pairwise(path: &Path) -> anyhow::Result<Vec<PairwiseMatrix>> {
    let name = file_name(path);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut blocks: Vec<PairwiseMatrix> = Vec::new();
    let mut current: Option<(Vec<String>, Vec<Vec<f64>>)> = None;
    for (i, rec) in reader.records().enumerate() {
        let row = i + 1;
        let rec = rec.map_err(|e| anyhow::anyhow!("{name}: row {row}: {e}"))?;
        let cells: Vec<&str> = rec.iter().map(str::trim).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if cells[0] == "code" {
            if let Some((codes, m)) = current.take() {
                blocks.push(PairwiseMatrix { codes, matrix: m });
            }
            current = Some((
                cells[1..].iter().map(|s| s.to_string()).collect(),
                Vec::new(),
            ));
            continue;
        }
        let Some((codes, m)) = current.as_mut() else {
            bail!("{name}: row {row}: a block must start with a header row `code,<code>,<code>,…`");
        };
        if cells[0] != codes.get(m.len()).map(String::as_str).unwrap_or("") {
            bail!(
                "{name}: row {row}, column 1: expected row {:?}, found {:?}",
                codes.get(m.len()).map(String::as_str).unwrap_or("(none)"),
                cells[0]
            );
        }
        let mut values = Vec::new();
        for (j, c) in cells[1..].iter().enumerate() {
            let v = match c.split_once('/') {
                Some((a, b)) => a
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .zip(b.trim().parse::<f64>().ok())
                    .map(|(a, b)| a / b),
                None => c.parse::<f64>().ok(),
            };
            values.push(v.ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}: row {row}, column {}: {c:?} is not a number or fraction",
                    j + 2
                )
            })?);
        }
        m.push(values);
    }
    if let Some((codes, m)) = current {
        blocks.push(PairwiseMatrix { codes, matrix: m });
    }
    if blocks.is_empty() {
        bail!("{name}: no comparison matrix found");
    }
    Ok(blocks)
}

fn weighting(spec: &str, convention_default: &str, ahp: AhpOptions) -> anyhow::Result<Weighting> {
    let (name, arg) = match spec.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (spec, None),
    };
    Ok(match name {
        "structure" => Weighting::Structure,
        "equal" => Weighting::Equal,
        "entropy" => Weighting::Entropy(parse_convention(arg, convention_default)?),
        "critic" => Weighting::Critic(parse_convention(arg, convention_default)?),
        "std" => Weighting::StandardDeviation,
        "variance" => Weighting::Variance,
        "ahp" => {
            let file = arg.ok_or_else(|| anyhow::anyhow!("ahp needs a file: ahp:PAIRWISE.csv"))?;
            Weighting::Ahp(read_pairwise(Path::new(file))?, ahp)
        }
        other => bail!(
            "unknown weighting {other:?} (structure, equal, entropy, critic, std, variance, ahp:FILE)"
        ),
    })
}

fn config_from(args: &IndexArgs) -> anyhow::Result<PipelineConfig> {
    let impute = Imputation::parse(&args.impute).ok_or_else(|| {
        anyhow::anyhow!(
            "--impute {:?} must be none, mean, median, group-mean:COL or group-median:COL",
            args.impute
        )
    })?;
    let treatment = match args.treat.split_once(':') {
        None if args.treat == "none" => Treatment::None,
        None if args.treat == "winsorise" || args.treat == "winsorize" => {
            Treatment::Winsorise(WinsoriseConfig::COINR)
        }
        Some(("winsorise" | "winsorize", n)) => Treatment::Winsorise(WinsoriseConfig {
            winmax: Some(n.parse().map_err(|_| {
                anyhow::anyhow!("--treat winsorise:{n}: winmax must be a whole number")
            })?),
            ..WinsoriseConfig::COINR
        }),
        _ => bail!(
            "--treat {:?} must be none or winsorise[:WINMAX]",
            args.treat
        ),
    };
    let levels: Vec<Aggregation> = args
        .aggregate
        .split(',')
        .map(|a| Aggregation::parse(a.trim()))
        .collect::<Result<_, _>>()?;
    let ties = TieRule::parse(&args.ties)
        .ok_or_else(|| anyhow::anyhow!("--ties {:?} must be min, average or max", args.ties))?;
    Ok(PipelineConfig {
        denominate: args.denominate,
        impute,
        min_coverage: args.screen,
        treatment,
        normalisation: Normalisation::parse(&args.normalise)?,
        normalisation_overrides: HashMap::new(),
        weighting: weighting(&args.weights, "pymcdm", ahp_options(&args.ahp)?)?,
        aggregation: levels[0],
        aggregation_by_level: HashMap::new(),
        ties,
    })
}

fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn output(path: &Path) -> anyhow::Result<Box<dyn Write>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(std::io::stdout().lock()))
    } else {
        let f = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Box::new(std::io::BufWriter::new(f)))
    }
}

/// `jidi index`.
pub fn index(args: IndexArgs) -> anyhow::Result<()> {
    let structure = read_structure(&args.structure)?;
    let needed: Vec<String> = structure
        .indicators()
        .iter()
        .map(|&i| structure.node(i).code.clone())
        .collect();
    let data = read_data(&args.data, &needed)?;
    let mut config = config_from(&args)?;
    let levels = structure.aggregate_levels();
    let aggregations: Vec<Aggregation> = args
        .aggregate
        .split(',')
        .map(|a| Aggregation::parse(a.trim()))
        .collect::<Result<_, _>>()?;
    if aggregations.len() > 1 {
        if aggregations.len() != levels.len() {
            bail!(
                "--aggregate lists {} methods for {} aggregate levels",
                aggregations.len(),
                levels.len()
            );
        }
        config.aggregation_by_level = levels.iter().copied().zip(aggregations).collect();
    }
    let data_name = file_name(&args.data);
    let result = pipeline::run(&structure, &config, &data)
        .map_err(|e| anyhow::anyhow!("{data_name}: {e}"))?;
    if args.report || !result.screened_out.is_empty() {
        for s in &result.screened_out {
            eprintln!(
                "screened out: {} ({:.1}% of indicators present)",
                s.unit,
                s.coverage * 100.0
            );
        }
    }
    if args.report {
        for (k, r) in result.treatment.iter().enumerate() {
            let code = &result.structure.node(result.structure.indicators()[k]).code;
            eprintln!(
                "treatment {code}: {} (winsorised {})",
                r.outcome.label(),
                r.n_winsorised
            );
        }
        for d in &result.diagnostics {
            eprintln!("{d}");
        }
    }
    let ua = match args.uncertainty {
        None => None,
        Some(n) => {
            let group = Group::build("all", &structure, &config, &data)
                .map_err(|e| anyhow::anyhow!("{data_name}: {e}"))?;
            let parse_list = |s: &Option<String>| -> Vec<String> {
                s.as_deref()
                    .map(|x| x.split(',').map(|p| p.trim().to_string()).collect())
                    .unwrap_or_default()
            };
            let cfg = UncertaintyConfig {
                replications: n,
                seed: args.seed,
                weight_noise: args.ua_noise,
                data_noise: args.ua_data_noise,
                alternatives: Alternatives {
                    normalisations: parse_list(&args.ua_normalise)
                        .iter()
                        .map(|s| Normalisation::parse(s))
                        .collect::<Result<_, _>>()?,
                    aggregations: parse_list(&args.ua_aggregate)
                        .iter()
                        .map(|s| Aggregation::parse(s))
                        .collect::<Result<_, _>>()?,
                    vary_treatment: args.ua_treat,
                },
                drop_one_indicator: args.ua_drop_one,
                stars: None,
                star_cutoffs: None,
                ties: config.ties,
                threads: 0,
            };
            Some(
                uncertainty::analyse(&[group], &cfg)
                    .map_err(|e| anyhow::anyhow!("uncertainty analysis: {e}"))?,
            )
        }
    };
    let s = &result.structure;
    let aggregates: Vec<usize> = s.aggregates_bottom_up().to_vec();
    let mut out = csv::Writer::from_writer(output(&args.out)?);
    let mut header = vec!["unit".to_string()];
    header.extend(aggregates.iter().map(|&a| s.node(a).code.clone()));
    header.push("rank".into());
    if ua.is_some() {
        header.extend(["rank_median", "rank_p05", "rank_p95"].map(String::from));
    }
    out.write_record(&header)?;
    for (u, unit) in result.units.iter().enumerate() {
        let mut row = vec![unit.clone()];
        row.extend(aggregates.iter().map(|&a| number(result.scores[a][u])));
        row.push(number(result.rank[u]));
        if let Some(ua) = &ua {
            let x = &ua.units[u].overall;
            row.extend([number(x.median), number(x.p05), number(x.p95)]);
        }
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// `jidi weights`.
pub fn weights(args: WeightsArgs) -> anyhow::Result<()> {
    let structure = read_structure(&args.structure)?;
    let needed: Vec<String> = structure
        .indicators()
        .iter()
        .map(|&i| structure.node(i).code.clone())
        .collect();
    let data = read_data(&args.data, &needed)?;
    let ahp = ahp_options(&args.ahp)?;
    let w = weighting(&args.method, &args.convention, ahp)?;
    if matches!(w, Weighting::Structure) {
        bail!("--method must be entropy, critic, std, variance, equal or ahp:FILE");
    }
    // Data-driven weights are computed on the indicator values as given (no treatment, no
    // normalisation), as pymcdm and pyDecision do.
    let config = PipelineConfig {
        normalisation: Normalisation::None,
        weighting: w.clone(),
        ..PipelineConfig::default()
    };
    let prepared = pipeline::prepare(&structure, &config, &data)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file_name(&args.data)))?;
    let variant =
        pipeline::Variant::compute(&prepared, &Treatment::None, &|_| Normalisation::None)?;
    let mut notes = Vec::new();
    let weighted = pipeline::resolve_weights(&prepared, &variant, &w, &mut notes)?;
    for n in &notes {
        eprintln!("{n}");
    }
    if let Weighting::Ahp(matrices, options) = &w {
        for m in matrices {
            let r = jidi_engine::weights::ahp(&m.matrix, options.method, options.random_index)?;
            eprintln!(
                "ahp {}: lambda_max {:.6}, CI {:.6}, CR {:.6}",
                m.codes.join(","),
                r.lambda_max,
                r.ci,
                r.cr
            );
        }
    }
    let values = if args.effective {
        weighted.effective_weights()
    } else {
        weighted.relative_weights()
    };
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(["code", "weight"])?;
    for (i, n) in weighted.nodes().iter().enumerate() {
        if i == weighted.root() {
            continue;
        }
        out.write_record([n.code.clone(), format!("{}", values[i])])?;
    }
    out.flush()?;
    Ok(())
}
