//! The `sigma-kql` command; everything it does lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    sigma_kql::cli::main()
}
