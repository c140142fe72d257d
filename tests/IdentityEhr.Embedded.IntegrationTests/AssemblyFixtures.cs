using IdentityEhr.Testing;

// One PostgreSQL and one anvil for the whole assembly; each test class takes its own schema and contracts.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(AnvilFixture))]
