//! Every row of the public test vectors (`tests/data/uscc_test_vectors.csv`, copied from
//! `shared/data`): `expected` is `valid`, or a description of why the code fails the check;
//! `computed_check_char` is the check character the first 17 characters give.

use jidi_collect::uscc::{
    CreditCodeProblem, check_character, check_credit_code, credit_code_finding,
};
use jidi_collect::{Rule, Severity};

#[test]
fn every_vector_is_classified_as_the_file_says() {
    let text = include_str!("data/uscc_test_vectors.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "code",
            "expected",
            "computed_check_char",
            "passes_mod31",
            "source"
        ]
    );
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (code, expected, computed, passes) = (&record[0], &record[1], &record[2], &record[3]);
        rows += 1;
        let computed: char = computed.chars().next().unwrap();
        assert_eq!(check_character(code), Some(computed), "{code}");
        let result = check_credit_code(code);
        match passes {
            "True" => {
                assert_eq!(expected, "valid", "{code}");
                assert_eq!(result, Ok(()), "{code}");
                assert_eq!(credit_code_finding(code), None);
            }
            "False" => {
                assert_ne!(expected, "valid", "{code}");
                assert_eq!(
                    result,
                    Err(CreditCodeProblem::BadCheckCharacter {
                        expected: computed,
                        found: code.chars().last().unwrap()
                    }),
                    "{code}"
                );
                // Including the real early code that fails: a warning, never an error.
                let finding = credit_code_finding(code).unwrap();
                assert_eq!(
                    (finding.rule, finding.severity),
                    (Rule::BadCreditCode, Severity::Warning)
                );
            }
            other => panic!("unexpected passes_mod31 {other}"),
        }
    }
    assert_eq!(rows, 4);
}
