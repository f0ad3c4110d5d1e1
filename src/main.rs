fn main() {
    std::process::exit(k2e::cli::main());
}
