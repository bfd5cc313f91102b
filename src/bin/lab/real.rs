//! `lab real`: the sweep's rows on a real RabbitMQ and PostgreSQL (src/real/, behind the cargo feature
//! `real`). Its flags are parsed with the others (`args.rs`); this file turns them into the check's
//! options and its outcome into an exit code: 2 for a mistake (a malformed URL too, found before
//! anything connects), 3 for a server that cannot be reached or does not answer in time, 1 for a row
//! whose counts differ, and the report on stdout whatever the rows said. (A server that never answers
//! is tested in `src/real/`, where the whole check runs against a silent listener.)

use crate::args::RealArgs;
use crate::exit::Exit;

/// Runs `lab real` and prints its report.
#[cfg(feature = "real")]
pub fn real(a: RealArgs) -> Exit {
    use crate::args::Rows;
    use crate::exit::{Fail, print};
    use redelivery_lab::real::{self, Options, io::Timeouts, rows::RowSet};

    if a.consumer {
        return Exit::from_code(real::consumer_main());
    }
    let env = |name: &str| std::env::var(name).ok().filter(|s| !s.is_empty());
    let (Some(amqp_url), Some(pg_url)) = (
        a.amqp.or_else(|| env("LAB_AMQP_URL")),
        a.postgres.or_else(|| env("LAB_POSTGRES_URL")),
    ) else {
        return Fail::usage(
            "Give both --amqp <url> and --postgres <url> (or LAB_AMQP_URL and LAB_POSTGRES_URL); see lab real --help.",
        )
        .report();
    };
    if let Err(msg) = real::check_urls(&amqp_url, &pg_url) {
        return Fail::usage(msg).report();
    }
    let options = Options {
        seed: a.seed.unwrap_or(1),
        payments: a.payments.unwrap_or(10),
        rows: match a.rows.unwrap_or(Rows::All) {
            Rows::Key => RowSet::Key,
            Rows::All => RowSet::All,
        },
        json: a.json,
        keep: a.keep,
        timeouts: a.timeout_ms.map_or_else(Timeouts::default, |ms| Timeouts {
            connect_ms: ms,
            read_ms: ms,
        }),
    };
    match real::run(&options, &amqp_url, &pg_url) {
        Ok((text, all_agree)) => {
            print(&text);
            if all_agree {
                Exit::Ok
            } else {
                Exit::CheckFailed
            }
        }
        Err(e) => Fail {
            exit: Exit::from_code(e.exit_code()),
            message: e.to_string(),
        }
        .report(),
    }
}

/// Without the feature: the flags were fine, but the check is not compiled in.
#[cfg(not(feature = "real"))]
pub fn real(_args: RealArgs) -> Exit {
    crate::exit::Fail::usage(
        "This build has no `real` feature: rebuild with `cargo run --release --features real --bin lab -- real …`.",
    )
    .report()
}

#[cfg(all(test, feature = "real"))]
mod tests {
    use super::*;
    use crate::args::{Command, Parsed, parse};

    /// `lab real` with these flags, run in this process.
    fn lab_real(flags: &[&str]) -> Exit {
        let args = ["lab", "real"].iter().chain(flags);
        match parse(args.copied()) {
            Ok(Parsed::Command(Command::Real(a))) => real(a),
            other => panic!("{flags:?} did not parse: {other:?}"),
        }
    }

    #[test]
    fn a_malformed_url_exits_2_before_connecting() {
        let good_pg = "postgres://postgres@127.0.0.1:1/db";
        let good_amqp = "amqp://guest:guest@127.0.0.1:1/lab";
        for (amqp_url, pg_url) in [
            ("amqp://guest:guest@127.0.0.1:notaport/lab", good_pg),
            ("http://127.0.0.1/", good_pg),
            (good_amqp, "mysql://root@127.0.0.1/db"),
            (good_amqp, "postgres://u@127.0.0.1:notaport/db"),
        ] {
            let exit = lab_real(&["--amqp", amqp_url, "--postgres", pg_url]);
            assert_eq!(exit, Exit::Usage, "{amqp_url} {pg_url}");
        }
    }
}
