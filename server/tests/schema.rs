/// `schema.graphql` is the API contract: it must be exactly what the server serves.
/// Regenerate with `cargo run -q -- schema > schema.graphql`.
#[test]
fn checked_in_schema_matches_the_server() {
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
            .expect("schema.graphql at the repository root");
    let served = packyard::graphql::sdl();
    assert!(
        checked_in == served,
        "schema.graphql is out of date: run `cargo run -q -- schema > schema.graphql`"
    );
}
