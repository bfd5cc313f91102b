//! Errors that are one sentence: what the core says when it refuses a command, a setting or a saved
//! run. The UI shows the sentence as it is and the CLI prints it after `lab: `, so the sentence is the
//! whole error — no codes to map, no wording left to the caller.

/// Declares `pub struct $name(pub String)`: an error holding one sentence a user can act on, shown as
/// it is (`Display`), and usable with `?` wherever a `std::error::Error` is expected.
macro_rules! sentence_error {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        /// As the derived `Debug` (`Name("sentence")`) but writing the sentence as it is, not
        /// escaped: `str`'s escaping `Debug` would otherwise be linked into the WebAssembly build
        /// for these errors' `expect`s alone (0.9 KB gzipped, measured).
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(\""))?;
                f.write_str(&self.0)?;
                f.write_str("\")")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::error::Error for $name {}
    };
}

pub(crate) use sentence_error;

#[cfg(test)]
mod tests {
    sentence_error!(
        /// A sample.
        Sample
    );

    #[test]
    fn the_sentence_is_the_whole_error() {
        let e = Sample("Consumers must be between 1 and 4; got 9.".into());
        assert_eq!(e.to_string(), e.0);
        let boxed: Box<dyn std::error::Error> = Box::new(e.clone());
        assert_eq!(boxed.to_string(), e.0);
        // Debug reads like the derived one for a sentence with nothing to escape.
        assert_eq!(format!("{e:?}"), format!("Sample({:?})", e.0));
    }
}
