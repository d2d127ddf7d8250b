// e2e placeholder until written
