using IdentityEhr.Testing;

// One PostgreSQL for the whole assembly; each rig takes its own schema. Each rig starts its own anvil: the tests stop it,
// freeze it and roll it back, which a shared node would not survive.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
