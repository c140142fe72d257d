using IdentityEhr.Testing;

// One PostgreSQL for the whole assembly; each test class takes its own schema.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
