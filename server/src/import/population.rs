//! Reads CBS key-figure tables (Kerncijfers wijken en buurten) as CSV: inhabitants per area code and,
//! where the file has them, the CBS age bands (0–14, 15–24, 25–44, 45–64, 65+) as counts or as
//! percentages of the inhabitants. Pure: text in, rows out; errors name the line and column.

/// One area's figures. Age bands are counts; `None` where CBS kept the figure secret or the file has none.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    pub code: String,
    pub inhabitants: Option<i64>,
    pub age_bands: [Option<i64>; 5],
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PopulationError {
    #[error("no area code column (looked for {wanted}; columns found: {found})")]
    NoCodeColumn { wanted: String, found: String },
    #[error("line {line}, column {column}: {value:?} is not a number")]
    NotANumber {
        line: usize,
        column: String,
        value: String,
    },
    #[error("line {line}: {found} fields where the header has {expected}")]
    Ragged {
        line: usize,
        found: usize,
        expected: usize,
    },
    #[error("the file is empty")]
    Empty,
}

const CODE_COLUMNS: [&str; 7] = [
    "code",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "statcode",
    "WijkenEnBuurten",
    "Codering_3",
];
const INHABITANT_COLUMNS: [&str; 4] = [
    "aantalInwoners",
    "aantal_inwoners",
    "AantalInwoners_5",
    "AANT_INW",
];
/// Per band: (count columns, percentage columns) as CBS names them in its vintages.
const BANDS: [(&[&str], &[&str]); 5] = [
    (
        &["k_0Tot15Jaar_8", "aantalPersonen0Tot15Jaar"],
        &[
            "percentagePersonen0Tot15Jaar",
            "percentage_personen_0_tot_15_jaar",
            "P_00_14_JR",
        ],
    ),
    (
        &["k_15Tot25Jaar_9", "aantalPersonen15Tot25Jaar"],
        &[
            "percentagePersonen15Tot25Jaar",
            "percentage_personen_15_tot_25_jaar",
            "P_15_24_JR",
        ],
    ),
    (
        &["k_25Tot45Jaar_10", "aantalPersonen25Tot45Jaar"],
        &[
            "percentagePersonen25Tot45Jaar",
            "percentage_personen_25_tot_45_jaar",
            "P_25_44_JR",
        ],
    ),
    (
        &["k_45Tot65Jaar_11", "aantalPersonen45Tot65Jaar"],
        &[
            "percentagePersonen45Tot65Jaar",
            "percentage_personen_45_tot_65_jaar",
            "P_45_64_JR",
        ],
    ),
    (
        &["k_65JaarOfOuder_12", "aantalPersonen65JaarEnOuder"],
        &[
            "percentagePersonen65JaarEnOuder",
            "percentage_personen_65_jaar_en_ouder",
            "P_65_EO_JR",
        ],
    ),
];

/// Splits one CSV line on `sep`, honouring double quotes ("" inside quotes is a quote).
fn split(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

/// A number, or `None` for CBS's empty, `.`, `-99999999` ("secret") and other negative codes. Accepts a
/// decimal comma (StatLine's Dutch exports).
fn number(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    if s.is_empty() || s == "." || s == "-" {
        return Ok(None);
    }
    let n: f64 = s.replace(',', ".").parse().map_err(|_| ())?;
    Ok((n >= 0.0).then_some(n))
}

pub fn read(text: &str) -> Result<Vec<PopulationRow>, PopulationError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(PopulationError::Empty)?;
    let header = header.trim_start_matches('\u{feff}');
    let sep = if header.matches(';').count() > header.matches(',').count() {
        ';'
    } else {
        ','
    };
    let columns = split(header, sep);
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| columns.iter().position(|c| c == n))
    };
    let code_col = find(&CODE_COLUMNS).ok_or_else(|| PopulationError::NoCodeColumn {
        wanted: CODE_COLUMNS.join(", "),
        found: columns.join(", "),
    })?;
    let inhabitants_col = find(&INHABITANT_COLUMNS);
    let bands = BANDS.map(|(counts, percentages)| (find(counts), find(percentages)));

    let mut rows = Vec::new();
    for (i, line) in lines {
        let fields = split(line, sep);
        if fields.len() != columns.len() {
            return Err(PopulationError::Ragged {
                line: i + 1,
                found: fields.len(),
                expected: columns.len(),
            });
        }
        let value = |col: usize| {
            number(&fields[col]).map_err(|()| PopulationError::NotANumber {
                line: i + 1,
                column: columns[col].clone(),
                value: fields[col].clone(),
            })
        };
        let inhabitants = match inhabitants_col {
            Some(c) => value(c)?.map(|n| n.round() as i64),
            None => None,
        };
        let mut age_bands = [None; 5];
        for (slot, (count_col, pct_col)) in age_bands.iter_mut().zip(bands) {
            *slot = match (count_col, pct_col, inhabitants) {
                (Some(c), _, _) => value(c)?.map(|n| n.round() as i64),
                (None, Some(c), Some(total)) => {
                    value(c)?.map(|p| (p / 100.0 * total as f64).round() as i64)
                }
                _ => None,
            };
        }
        let code = fields[code_col].trim().to_string();
        if code.is_empty() {
            continue;
        }
        rows.push(PopulationRow {
            code,
            inhabitants,
            age_bands,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../shared/data/population/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("shared data")
    }

    #[test]
    fn reads_kwb_2024_gemeenten_and_wijken() {
        let rows = read(&shared("kwb2024_gemeenten_wijken.csv")).expect("reads");
        assert_eq!(rows.len(), 342 + 3_393);
        let gm1680 = rows
            .iter()
            .find(|r| r.code == "GM1680")
            .expect("Aa en Hunze");
        assert_eq!(gm1680.inhabitants, Some(25_845));
        assert_eq!(gm1680.age_bands, [None; 5], "this table has no age bands");
    }

    #[test]
    fn reads_drechtsteden_buurten_with_age_bands_from_percentages() {
        let rows = read(&shared("drechtsteden_buurten_2023_kwb.csv")).expect("reads");
        assert_eq!(rows.len(), 358);
        let with_bands = rows
            .iter()
            .filter(|r| r.age_bands.iter().all(Option::is_some))
            .count();
        assert!(with_bands > 200, "{with_bands} buurten with all five bands");
        let r = rows
            .iter()
            .find(|r| r.age_bands.iter().all(Option::is_some) && r.inhabitants > Some(1000))
            .expect("a big buurt");
        let sum: i64 = r.age_bands.iter().flatten().sum();
        let total = r.inhabitants.unwrap_or_default();
        assert!(
            (sum - total).abs() <= total / 20 + 5,
            "bands {sum} add up to about the inhabitants {total}"
        );
        let water = rows
            .iter()
            .find(|r| r.code == "BU05059997")
            .expect("water buurt");
        assert_eq!(water.inhabitants, None, "an empty figure stays unknown");
    }

    #[test]
    fn semicolons_quotes_decimal_commas_and_secret_figures() {
        let text = "\u{feff}WijkenEnBuurten;Naam;AantalInwoners_5;percentagePersonen0Tot15Jaar\n\
                    \"GM0505\";\"Dordrecht; stad\";120000;15,5\nBU05050101;\"x\";-99999999;.\n";
        let rows = read(text).expect("reads");
        assert_eq!(rows[0].inhabitants, Some(120_000));
        assert_eq!(rows[0].age_bands[0], Some(18_600));
        assert_eq!(rows[1].inhabitants, None);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        assert_eq!(
            read("buurtcode,aantalInwoners\nBU1,12\nBU2,twaalf\n"),
            Err(PopulationError::NotANumber {
                line: 3,
                column: "aantalInwoners".into(),
                value: "twaalf".into()
            })
        );
        assert!(matches!(
            read("naam,inwoners\nx,1\n"),
            Err(PopulationError::NoCodeColumn { .. })
        ));
        assert_eq!(
            read("code,aantalInwoners\nBU1\n"),
            Err(PopulationError::Ragged {
                line: 2,
                found: 1,
                expected: 2
            })
        );
    }
}
